using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace FastAV.Live.Server.Hosting;

/// <summary>Where and how the server listens (configuration section "Server", plus the standard "urls" key).</summary>
public sealed class ServerOptions
{
    public const string SectionName = "Server";

    /// <summary>Listen addresses, ';'-separated. http:// is HTTP/2 cleartext (h2c, prior knowledge); https:// is TLS with HTTP/2 and HTTP/1.1 by ALPN.</summary>
    public string Urls { get; set; } = "http://127.0.0.1:50051";

    /// <summary>
    /// Plain HTTP/1.1 listen addresses, ';'-separated, for /metrics, /healthz, /readyz and /dashboard: always plaintext, so
    /// Kubernetes probes and Prometheus reach it whether gRPC uses TLS or not. Empty: no HTTP side port.
    /// </summary>
    public string HttpUrls { get; set; } = "http://127.0.0.1:8080";

    /// <summary>PFX (PKCS#12) or PEM certificate for https:// addresses.</summary>
    public string? CertificatePath { get; set; }

    /// <summary>PEM private key, when <see cref="CertificatePath"/> is a PEM certificate.</summary>
    public string? CertificateKeyPath { get; set; }

    public string? CertificatePassword { get; set; }

    /// <summary>
    /// Client certificates on https:// addresses: NoCertificate (default), AllowCertificate (asked for; a call without one
    /// needs an API key) or RequireCertificate (the TLS handshake fails without one). A certificate must chain to
    /// <see cref="ClientCertificateCaPath"/>, else the handshake fails; the tenants file maps it to a tenant.
    /// </summary>
    public ClientCertificateMode ClientCertificateMode { get; set; } = ClientCertificateMode.NoCertificate;

    /// <summary>PEM bundle of the CAs client certificates must chain to (needed unless ClientCertificateMode is NoCertificate).</summary>
    public string? ClientCertificateCaPath { get; set; }

    /// <summary>After a stop signal, how long health reports NOT_SERVING while calls are still accepted (lets load balancers move away).</summary>
    public TimeSpan DrainDelay { get; set; } = TimeSpan.Zero;

    /// <summary>How long the rest of shutdown may take after the drain delay: calls ending (each Stream with its final StreamStats), then Kestrel closing; what still runs then is aborted. Default 10 s.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>After the running calls ended on drain, how long connections stay open so clients read their last messages and status before they close. Default 1 s.</summary>
    public TimeSpan CloseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Throws with a message naming the bad setting.</summary>
    public void Validate()
    {
        var urls = ParseUrls();
        if (urls.Count == 0)
        {
            throw new InvalidOperationException("Server:Urls (or --urls) names no address.");
        }

        if (urls.Any(u => u.Scheme == "https") && string.IsNullOrEmpty(CertificatePath))
        {
            throw new InvalidOperationException("An https:// address needs Server:CertificatePath.");
        }

        if (CertificatePath is not null && !File.Exists(CertificatePath))
        {
            throw new InvalidOperationException($"Server:CertificatePath '{CertificatePath}' does not exist.");
        }

        if (ParseHttpUrls().FirstOrDefault(u => u.Scheme != "http") is { } secure)
        {
            throw new InvalidOperationException($"Server:HttpUrls '{secure.OriginalString}' must be an http:// address: the side port is plaintext HTTP/1.1 (TLS is for gRPC, Server:Urls).");
        }

        if (ParseHttpUrls().FirstOrDefault(h => h.Port != 0 && urls.Any(u => u.Port == h.Port && (u.Host == h.Host || u.Host == "0.0.0.0" || h.Host == "0.0.0.0"))) is { } clash)
        {
            throw new InvalidOperationException($"Server:HttpUrls '{clash.OriginalString}' uses the port of a Server:Urls address: the side port needs a port of its own.");
        }

        if (ClientCertificateMode is not (ClientCertificateMode.NoCertificate or ClientCertificateMode.AllowCertificate or ClientCertificateMode.RequireCertificate))
        {
            throw new InvalidOperationException($"Server:ClientCertificateMode must be NoCertificate, AllowCertificate or RequireCertificate, got {ClientCertificateMode}.");
        }

        if (ClientCertificateMode != ClientCertificateMode.NoCertificate)
        {
            if (!urls.Any(u => u.Scheme == "https"))
            {
                throw new InvalidOperationException($"Server:ClientCertificateMode {ClientCertificateMode} needs an https:// address in Server:Urls (client certificates are part of TLS).");
            }

            if (string.IsNullOrEmpty(ClientCertificateCaPath))
            {
                throw new InvalidOperationException($"Server:ClientCertificateMode {ClientCertificateMode} needs Server:ClientCertificateCaPath, the PEM bundle of the CAs client certificates chain to.");
            }
        }

        if (ClientCertificateCaPath is not null && !File.Exists(ClientCertificateCaPath))
        {
            throw new InvalidOperationException($"Server:ClientCertificateCaPath '{ClientCertificateCaPath}' does not exist.");
        }

        if (ClientCertificateMode != ClientCertificateMode.NoCertificate)
        {
            // Read now, so a bundle without a certificate stops start-up with one line, not when Kestrel binds.
            _ = ClientCertificateAuthority.Load(ClientCertificateCaPath!);
        }

        if (DrainDelay < TimeSpan.Zero || ShutdownTimeout < TimeSpan.Zero || CloseDelay < TimeSpan.Zero)
        {
            throw new InvalidOperationException("Server:DrainDelay, Server:ShutdownTimeout and Server:CloseDelay must not be negative.");
        }

        if (CloseDelay >= ShutdownTimeout && ShutdownTimeout > TimeSpan.Zero)
        {
            throw new InvalidOperationException($"Server:CloseDelay ({CloseDelay}) must be shorter than Server:ShutdownTimeout ({ShutdownTimeout}).");
        }
    }

    public IReadOnlyList<Uri> ParseUrls() => Parse(Urls, "Listen address");

    /// <summary>The HTTP side port's addresses; none when <see cref="HttpUrls"/> is empty.</summary>
    public IReadOnlyList<Uri> ParseHttpUrls() => Parse(HttpUrls, "Server:HttpUrls address");

    private static List<Uri> Parse(string urls, string what)
    {
        var result = new List<Uri>();
        foreach (var part in urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            // "*" and "+" mean any address, as in ASP.NET Core.
            var normalized = part.Replace("://*:", "://0.0.0.0:", StringComparison.Ordinal).Replace("://+:", "://0.0.0.0:", StringComparison.Ordinal);
            if (!Uri.TryCreate(normalized, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.IsDefaultPort && !part.Contains(':', StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"{what} '{part}' is not an http:// or https:// URL with a port.");
            }

            result.Add(uri);
        }

        return result;
    }
}
