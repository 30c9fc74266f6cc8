using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace FastAV.Live.Server.Tests.Tenants;

/// <summary>
/// Real certificates made for a test run (ECDSA P-256), as PEM files: a CA, a server certificate it signed (localhost,
/// 127.0.0.1), client certificates it signed, and a second, unknown CA with a client certificate of the same name.
/// </summary>
internal sealed class TestCertificates : IDisposable
{
    private static readonly Oid ServerAuthentication = new("1.3.6.1.5.5.7.3.1");
    private static readonly Oid ClientAuthentication = new("1.3.6.1.5.5.7.3.2");

    private readonly List<IDisposable> _owned = [];

    // One "now" for every certificate, so no leaf outlives its CA by the milliseconds between their creations.
    private readonly DateTimeOffset _now = DateTimeOffset.UtcNow;

    public TestCertificates()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("fastav-certs-").FullName;
        var ca = Authority("CN=FastAV test CA");
        var unknown = Authority("CN=Someone else's CA");
        CaPath = WriteCertificate("ca", ca);
        (ServerCertificatePath, ServerKeyPath) = Leaf("server", ca, "CN=localhost", server: true, dns: "localhost");
        (SiteACertificatePath, SiteAKeyPath) = Leaf("site-a", ca, "CN=gw-1.site-a, O=Site A", server: false, dns: "gw-1.site-a.example", uri: "spiffe://fastav/site-a/gw");
        (UnmappedCertificatePath, UnmappedKeyPath) = Leaf("unmapped", ca, "CN=stranger", server: false);
        (ForeignCertificatePath, ForeignKeyPath) = Leaf("foreign", unknown, "CN=gw-1.site-a, O=Site A", server: false, dns: "gw-1.site-a.example");
    }

    public string Directory { get; }

    public string CaPath { get; }

    public string ServerCertificatePath { get; }

    public string ServerKeyPath { get; }

    /// <summary>CN gw-1.site-a, DNS gw-1.site-a.example, URI spiffe://fastav/site-a/gw.</summary>
    public string SiteACertificatePath { get; }

    public string SiteAKeyPath { get; }

    /// <summary>Signed by the CA, but no tenant names it.</summary>
    public string UnmappedCertificatePath { get; }

    public string UnmappedKeyPath { get; }

    /// <summary>Same names as site-a's, signed by a CA the server does not trust.</summary>
    public string ForeignCertificatePath { get; }

    public string ForeignKeyPath { get; }

    /// <summary>The settings of an https:// server on a free port that asks for client certificates.</summary>
    public string[] ServerSettings(string mode) =>
    [
        "--urls", "https://127.0.0.1:0",
        "--Server:CertificatePath", ServerCertificatePath,
        "--Server:CertificateKeyPath", ServerKeyPath,
        "--Server:ClientCertificateMode", mode,
        "--Server:ClientCertificateCaPath", CaPath,
    ];

    public X509Certificate2 Load(string certificatePath, string keyPath) => X509Certificate2.CreateFromPemFile(certificatePath, keyPath);

    public void Dispose()
    {
        foreach (var owned in _owned)
        {
            owned.Dispose();
        }

        System.IO.Directory.Delete(Directory, recursive: true);
    }

    private X509Certificate2 Authority(string subject)
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        _owned.Add(key);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var certificate = request.CreateSelfSigned(_now.AddDays(-1), _now.AddDays(30));
        _owned.Add(certificate);
        return certificate;
    }

    private (string Certificate, string Key) Leaf(string name, X509Certificate2 issuer, string subject, bool server, string? dns = null, string? uri = null)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([server ? ServerAuthentication : ClientAuthentication], false));
        var names = new SubjectAlternativeNameBuilder();
        if (dns is not null)
        {
            names.AddDnsName(dns);
        }

        if (uri is not null)
        {
            names.AddUri(new Uri(uri));
        }

        if (server)
        {
            names.AddIpAddress(IPAddress.Loopback);
        }

        if (dns is not null || uri is not null || server)
        {
            request.CertificateExtensions.Add(names.Build());
        }

        var serial = RandomNumberGenerator.GetBytes(12);
        serial[0] &= 0x7f;
        using var certificate = request.Create(issuer, _now.AddDays(-1), _now.AddDays(29), serial);
        var certificatePath = System.IO.Path.Combine(Directory, name + ".pem");
        var keyPath = System.IO.Path.Combine(Directory, name + ".key");
        File.WriteAllText(certificatePath, certificate.ExportCertificatePem());
        File.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem());
        return (certificatePath, keyPath);
    }

    private string WriteCertificate(string name, X509Certificate2 certificate)
    {
        var path = System.IO.Path.Combine(Directory, name + ".pem");
        File.WriteAllText(path, certificate.ExportCertificatePem());
        return path;
    }
}
