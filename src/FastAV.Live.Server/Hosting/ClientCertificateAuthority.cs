using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace FastAV.Live.Server.Hosting;

/// <summary>
/// The CAs client certificates must chain to (Server:ClientCertificateCaPath, a PEM bundle), trusted instead of the
/// system's: a certificate from any other CA fails the TLS handshake. The certificate must be valid now and, when it
/// names key usages, allow client authentication. Revocation is not checked (no network is assumed).
/// </summary>
public sealed class ClientCertificateAuthority
{
    private static readonly Oid ClientAuthentication = new("1.3.6.1.5.5.7.3.2");

    private readonly X509Certificate2Collection _roots;

    private ClientCertificateAuthority(X509Certificate2Collection roots) => _roots = roots;

    public static ClientCertificateAuthority Load(string path)
    {
        var roots = new X509Certificate2Collection();
        try
        {
            roots.ImportFromPemFile(path);
        }
        catch (Exception ex) when (ex is CryptographicException or IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException($"Server:ClientCertificateCaPath '{path}' cannot be read as a PEM bundle: {ex.Message}", ex);
        }

        return roots.Count == 0
            ? throw new InvalidOperationException($"Server:ClientCertificateCaPath '{path}' holds no PEM certificate.")
            : new ClientCertificateAuthority(roots);
    }

    /// <summary>Kestrel's ClientCertificateValidation: true when <paramref name="certificate"/> chains to one of the CAs.</summary>
    public bool Validate(X509Certificate2 certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        using var own = new X509Chain();
        own.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        own.ChainPolicy.CustomTrustStore.AddRange(_roots);
        own.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        own.ChainPolicy.ApplicationPolicy.Add(ClientAuthentication);
        if (chain is not null)
        {
            // Intermediates the client sent with its certificate.
            own.ChainPolicy.ExtraStore.AddRange(chain.ChainElements.Select(e => e.Certificate).ToArray());
        }

        return own.Build(certificate);
    }
}
