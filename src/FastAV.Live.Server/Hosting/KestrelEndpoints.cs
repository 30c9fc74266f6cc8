using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace FastAV.Live.Server.Hosting;

/// <summary>Turns <see cref="ServerOptions"/> into Kestrel listeners.</summary>
public static class KestrelEndpoints
{
    public static void Configure(KestrelServerOptions kestrel, ServerOptions options, Http2LimitOptions http2)
    {
        options.Validate();
        X509Certificate2? certificate = null;
        ClientCertificateAuthority? clients = null;
        foreach (var url in options.ParseUrls())
        {
            var tls = url.Scheme == "https";
            if (tls)
            {
                certificate ??= LoadCertificate(options);
                if (options.ClientCertificateMode != ClientCertificateMode.NoCertificate)
                {
                    clients ??= ClientCertificateAuthority.Load(options.ClientCertificateCaPath!);
                }
            }

            void Listen(ListenOptions listen)
            {
                // Kestrel speaks HTTP/2 without TLS only with prior knowledge, on an HTTP/2-only endpoint.
                listen.Protocols = tls ? HttpProtocols.Http1AndHttp2 : HttpProtocols.Http2;
                if (tls)
                {
                    var https = new HttpsConnectionAdapterOptions { ServerCertificate = certificate, ClientCertificateMode = options.ClientCertificateMode };
                    if (clients is not null)
                    {
                        https.ClientCertificateValidation = clients.Validate;
                    }

                    listen.UseHttps(https);
                }
            }

            Bind(kestrel, url, Listen);
        }

        // The HTTP side port: HTTP/1.1 only, plaintext, its connections tagged so only its endpoints answer there.
        foreach (var url in options.ParseHttpUrls())
        {
            Bind(kestrel, url, listen =>
            {
                listen.Protocols = HttpProtocols.Http1;
                listen.Use(HttpSidePort.TagConnection);
            });
        }

        http2.Apply(kestrel.Limits.Http2);
    }

    private static void Bind(KestrelServerOptions kestrel, Uri url, Action<ListenOptions> listen)
    {
        if (url.Host is "localhost")
        {
            kestrel.ListenLocalhost(url.Port, listen);
        }
        else if (url.Host is "0.0.0.0")
        {
            kestrel.ListenAnyIP(url.Port, listen);
        }
        else
        {
            kestrel.Listen(IPAddress.Parse(url.Host.Trim('[', ']')), url.Port, listen);
        }
    }

    private static X509Certificate2 LoadCertificate(ServerOptions options)
    {
        var path = options.CertificatePath!;
        if (options.CertificateKeyPath is not null)
        {
            return X509Certificate2.CreateFromPemFile(path, options.CertificateKeyPath);
        }

        return X509CertificateLoader.LoadPkcs12FromFile(path, options.CertificatePassword);
    }
}
