using System.ComponentModel.DataAnnotations;
using FastAV.Live.Grpc.Wire;

namespace FastAV.Live.Grpc;

/// <summary>Limits and behaviour of the gRPC server; validated at start-up.</summary>
public sealed class GrpcServerOptions
{
    /// <summary>Largest request message accepted, in bytes (after decompression). Default 4 MiB.</summary>
    [Range(1, int.MaxValue)]
    public int MaxReceiveMessageSize { get; set; } = GrpcProtocol.DefaultMaxMessageSize;

    /// <summary>Largest response message sent, in bytes (before compression). Default 4 MiB.</summary>
    [Range(1, int.MaxValue)]
    public int MaxSendMessageSize { get; set; } = GrpcProtocol.DefaultMaxMessageSize;

    /// <summary>Encoding for responses when the client accepts it (identity, gzip, deflate). Default identity.</summary>
    public string ResponseCompression { get; set; } = GrpcProtocol.IdentityEncoding;

    /// <summary>Put exception messages of failing handlers into grpc-message (off in production).</summary>
    public bool EnableDetailedErrors { get; set; }

    /// <summary>How long a call that passed its deadline may take to write its trailers before the stream is reset.</summary>
    public TimeSpan DeadlineFinishGrace { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// End running calls (UNAVAILABLE) as soon as the host starts stopping. A host that drains first
    /// (health NOT_SERVING for a while) turns this off and calls <see cref="GrpcServerLifetime.BeginShutdown"/> itself.
    /// </summary>
    public bool EndCallsOnStopping { get; set; } = true;

    internal void Validate()
    {
        if (MaxReceiveMessageSize <= 0 || MaxSendMessageSize <= 0)
        {
            throw new InvalidOperationException("Grpc message size limits must be positive.");
        }

        if (!MessageCompression.IsSupported(ResponseCompression))
        {
            throw new InvalidOperationException($"Grpc:ResponseCompression '{ResponseCompression}' is not one of identity, gzip, deflate.");
        }
    }
}
