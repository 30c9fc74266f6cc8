using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace FastAV.Live.Grpc;

/// <summary>Kestrel HTTP/2 limits suited to long-lived gRPC streams with large messages.</summary>
public static class GrpcKestrelLimits
{
    public static void Apply(KestrelServerLimits limits)
    {
        limits.Http2.MaxStreamsPerConnection = 1000;
        // Kestrel's defaults (1 MiB per connection, 768 KiB per stream) throttle 256 KiB messages; 4 MiB
        // messages (the default limit) need a stream window of at least one message to flow without stalls.
        limits.Http2.InitialConnectionWindowSize = 16 * 1024 * 1024;
        limits.Http2.InitialStreamWindowSize = 8 * 1024 * 1024;
        limits.Http2.KeepAlivePingDelay = TimeSpan.FromSeconds(60);
        limits.Http2.KeepAlivePingTimeout = TimeSpan.FromSeconds(30);
    }
}
