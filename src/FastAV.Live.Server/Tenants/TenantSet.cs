using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace FastAV.Live.Server.Tenants;

/// <summary>
/// One loaded tenants file: tenants by name, the SHA-256 of each API key, the certificate names. Immutable; a reload
/// builds a new one. Keys are looked up by comparing the presented key's hash with every stored hash in constant time
/// — whole 64-bit words XORed, no early exit, the match picked without a branch — so the time taken says nothing
/// about which (or whether a) key matched; a thousand stored keys cost a few microseconds.
/// </summary>
public sealed class TenantSet
{
    private const int WordsPerHash = 4; // SHA-256: 32 bytes

    private readonly Dictionary<string, Tenant> _byName;
    private readonly ulong[] _hashes; // [key, word]
    private readonly Tenant[] _keyOwners;
    private readonly (CertificateName Name, Tenant Tenant)[] _certificates;

    public TenantSet(IEnumerable<Tenant> tenants, IEnumerable<(byte[] Hash, Tenant Tenant)> keys, IEnumerable<(CertificateName Name, Tenant Tenant)> certificates)
    {
        Tenants = tenants.ToArray();
        _byName = Tenants.ToDictionary(t => t.Name, StringComparer.Ordinal);
        var keyList = keys.ToArray();
        _keyOwners = keyList.Select(k => k.Tenant).ToArray();
        _hashes = new ulong[keyList.Length * WordsPerHash];
        for (var i = 0; i < keyList.Length; i++)
        {
            if (keyList[i].Hash.Length != SHA256.HashSizeInBytes)
            {
                throw new ArgumentException($"key hash {i} is {keyList[i].Hash.Length} bytes, not {SHA256.HashSizeInBytes}", nameof(keys));
            }

            MemoryMarshal.Cast<byte, ulong>(keyList[i].Hash).CopyTo(_hashes.AsSpan(i * WordsPerHash, WordsPerHash));
        }

        _certificates = certificates.ToArray();
    }

    public IReadOnlyList<Tenant> Tenants { get; }

    public int KeyCount => _keyOwners.Length;

    public int CertificateNameCount => _certificates.Length;

    public Tenant? Find(string name) => _byName.GetValueOrDefault(name);

    /// <summary>The tenant holding <paramref name="apiKey"/> (its UTF-8 bytes hashed with SHA-256), or null.</summary>
    public Tenant? FindByKey(string apiKey)
    {
        ArgumentNullException.ThrowIfNull(apiKey);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(apiKey), hash);
        var words = MemoryMarshal.Cast<byte, ulong>(hash);
        ulong w0 = words[0], w1 = words[1], w2 = words[2], w3 = words[3];
        var match = -1;
        for (var i = 0; i < _keyOwners.Length; i++)
        {
            var at = i * WordsPerHash;
            var difference = (_hashes[at] ^ w0) | (_hashes[at + 1] ^ w1) | (_hashes[at + 2] ^ w2) | (_hashes[at + 3] ^ w3);
            // all ones when difference == 0, else zero: (d | -d) has its top bit set exactly when d != 0.
            var equal = (int)(((difference | (0 - difference)) >> 63) ^ 1);
            var mask = -equal;
            match = (match & ~mask) | (i & mask);
        }

        return match < 0 ? null : _keyOwners[match];
    }

    /// <summary>Every tenant one of whose certificate names matches (more than one is a configuration the caller refuses).</summary>
    public IReadOnlyList<Tenant> FindByCertificate(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return _certificates.Where(c => c.Name.Matches(certificate)).Select(c => c.Tenant).Distinct().ToArray();
    }
}
