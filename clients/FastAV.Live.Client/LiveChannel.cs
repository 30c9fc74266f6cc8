using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Grpc.Core;
using Grpc.Net.Client;
using Grpc.Net.Client.Configuration;

namespace FastAV.Live.Client;

/// <summary>
/// The channel settings a <see cref="LiveAnalyticsClient"/> makes for its options: a service-config retry policy for
/// the read-only unary calls (ListStreams, GetStream: safe to repeat) on UNAVAILABLE, never for Stream or Ask (they
/// change state or run the model); HTTP/2 keepalive pings so a dead server is noticed on an idle stream; and, when a
/// CA file is given, TLS that trusts that CA (a self-signed server certificate is its own CA). Connections are made by
/// HttpClient (our connect callback), not by the channel's client-side load balancer, which this service does not use
/// (an L7 proxy routes by stream id): a refused connection then reads "Connection refused (host:port)", not "Error
/// connecting to subchannel.". A client certificate, when given, is presented to servers that authenticate by certificate.
/// </summary>
public static class LiveChannel
{
    public static GrpcChannelOptions Options(LiveClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var handler = new SocketsHttpHandler
        {
            // More than 100 concurrent calls open another connection instead of queueing (the server allows 1000 per connection).
            EnableMultipleHttp2Connections = true,
            KeepAlivePingDelay = options.KeepAlivePingDelay,
            KeepAlivePingTimeout = options.KeepAlivePingTimeout,
            KeepAlivePingPolicy = HttpKeepAlivePingPolicy.WithActiveRequests,
            ConnectCallback = ConnectAsync,
        };
        if (options.CaCertificatePath is { } path)
        {
            var ca = LoadCertificate(path);
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) => IsTrusted(ca, certificate, errors);
        }

        if (options.ClientCertificatePath is { } clientPath)
        {
            handler.SslOptions.ClientCertificates = [LoadClientCertificate(clientPath, options.ClientCertificateKeyPath)];
        }

        var channel = new GrpcChannelOptions { HttpHandler = handler, DisposeHttpClient = true };
        if (options.MaxReadAttempts > 1)
        {
            var reads = new MethodConfig
            {
                Names = { new MethodName { Service = ServiceName, Method = "ListStreams" }, new MethodName { Service = ServiceName, Method = "GetStream" } },
                RetryPolicy = new RetryPolicy
                {
                    MaxAttempts = options.MaxReadAttempts,
                    InitialBackoff = TimeSpan.FromMilliseconds(100),
                    MaxBackoff = TimeSpan.FromSeconds(2),
                    BackoffMultiplier = 2,
                    RetryableStatusCodes = { StatusCode.Unavailable },
                },
            };
            channel.ServiceConfig = new ServiceConfig { MethodConfigs = { reads } };
        }

        return channel;
    }

    private static string ServiceName => Contracts.V1.LiveAnalytics.Descriptor.FullName;

    /// <summary>What SocketsHttpHandler does by default: a TCP connection without Nagle's delay.</summary>
    private static async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(context.DnsEndPoint, cancellationToken).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>PEM or DER; the first certificate of a PEM bundle.</summary>
    private static X509Certificate2 LoadCertificate(string path)
    {
        try
        {
            return X509CertificateLoader.LoadCertificateFromFile(path);
        }
        catch (Exception ex) when (ex is System.Security.Cryptography.CryptographicException or IOException or UnauthorizedAccessException)
        {
            throw new ArgumentException($"CA certificate '{path}' cannot be read as a PEM or DER certificate: {ex.Message}", nameof(path), ex);
        }
    }

    /// <summary>A PEM certificate with its PEM key, or a PFX; with its private key, as TLS needs.</summary>
    private static X509Certificate2 LoadClientCertificate(string path, string? keyPath)
    {
        try
        {
            if (keyPath is not null)
            {
                // An ephemeral PEM key works on Linux; PFX bytes give a key every platform's TLS stack accepts.
                using var pem = X509Certificate2.CreateFromPemFile(path, keyPath);
                return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
            }

            return X509CertificateLoader.LoadPkcs12FromFile(path, null);
        }
        catch (Exception ex) when (ex is System.Security.Cryptography.CryptographicException or IOException or UnauthorizedAccessException)
        {
            throw new ArgumentException($"client certificate '{path}' cannot be read with its key (PEM certificate + PEM key, or PFX): {ex.Message}", nameof(path), ex);
        }
    }

    /// <summary>The server's chain must end at <paramref name="ca"/> and its name must match; nothing else is trusted.</summary>
    private static bool IsTrusted(X509Certificate2 ca, X509Certificate? certificate, SslPolicyErrors errors)
    {
        if (certificate is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch) || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var leaf = new X509Certificate2(certificate);
        return chain.Build(leaf);
    }
}
