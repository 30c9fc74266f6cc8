using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace FastAV.Live.Server.Tenants;

/// <summary>
/// One loaded tenants file: tenants by name, the SHA-256 of each API key, the certificate names. Immutable; a reload
/// builds a new one. Keys are looked up by comparing the presented key's hash with every stored hash in constant time,
/// with no early exit, so the time taken says nothing about which (or whether a) key matched.
/// </summary>
public sealed class TenantSet
{
    private readonly Dictionary<string, Tenant> _byName;
    private readonly (byte[] Hash, Tenant Tenant)[] _keys;
    private readonly (CertificateName Name, Tenant Tenant)[] _certificates;

    public TenantSet(IEnumerable<Tenant> tenants, IEnumerable<(byte[] Hash, Tenant Tenant)> keys, IEnumerable<(CertificateName Name, Tenant Tenant)> certificates)
    {
        Tenants = tenants.ToArray();
        _byName = Tenants.ToDictionary(t => t.Name, StringComparer.Ordinal);
        _keys = keys.ToArray();
        _certificates = certificates.ToArray();
    }

    public IReadOnlyList<Tenant> Tenants { get; }

    public int KeyCount => _keys.Length;

    public int CertificateNameCount => _certificates.Length;

    public Tenant? Find(string name) => _byName.GetValueOrDefault(name);

    /// <summary>The tenant holding <paramref name="apiKey"/> (its UTF-8 bytes hashed with SHA-256), or null.</summary>
    public Tenant? FindByKey(string apiKey)
    {
        ArgumentNullException.ThrowIfNull(apiKey);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(apiKey), hash);
        Tenant? found = null;
        foreach (var (stored, tenant) in _keys)
        {
            // Every entry is compared; the branch only picks the result (keys are unique across tenants).
            if (CryptographicOperations.FixedTimeEquals(stored, hash))
            {
                found = tenant;
            }
        }

        return found;
    }

    /// <summary>Every tenant one of whose certificate names matches (more than one is a configuration the caller refuses).</summary>
    public IReadOnlyList<Tenant> FindByCertificate(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return _certificates.Where(c => c.Name.Matches(certificate)).Select(c => c.Tenant).Distinct().ToArray();
    }
}
