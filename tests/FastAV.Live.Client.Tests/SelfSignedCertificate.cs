using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace FastAV.Live.Client.Tests;

/// <summary>A self-signed server certificate for localhost and 127.0.0.1, written as the server's PFX and the client's PEM.</summary>
internal sealed class SelfSignedCertificate : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"fastav-tls-{Guid.NewGuid():N}");

    public SelfSignedCertificate()
    {
        Directory.CreateDirectory(_directory);
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: false, hasPathLengthConstraint: false, 0, critical: true));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        File.WriteAllBytes(PfxPath, certificate.Export(X509ContentType.Pfx, Password));
        File.WriteAllText(PemPath, certificate.ExportCertificatePem());
    }

    public string Password => "pw";

    /// <summary>Certificate and key, for Server:CertificatePath.</summary>
    public string PfxPath => Path.Combine(_directory, "server.pfx");

    /// <summary>The certificate alone, for the client's --ca.</summary>
    public string PemPath => Path.Combine(_directory, "ca.pem");

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
