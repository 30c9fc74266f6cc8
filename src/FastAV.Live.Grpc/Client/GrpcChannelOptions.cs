using FastAV.Live.Grpc.Wire;

namespace FastAV.Live.Grpc;

/// <summary>How a <see cref="GrpcChannel"/> connects and what it accepts.</summary>
public sealed class GrpcChannelOptions
{
    /// <summary>Largest response message accepted, in bytes (after decompression). Default 4 MiB.</summary>
    public int MaxReceiveMessageSize { get; set; } = GrpcProtocol.DefaultMaxMessageSize;

    /// <summary>Largest request message sent, in bytes (before compression). Default 4 MiB.</summary>
    public int MaxSendMessageSize { get; set; } = GrpcProtocol.DefaultMaxMessageSize;

    /// <summary>A handler to send with (e.g. one that accepts a test certificate); by default a SocketsHttpHandler owned by the channel.</summary>
    public HttpMessageHandler? HttpHandler { get; set; }

    /// <summary>Dispose <see cref="HttpHandler"/> with the channel.</summary>
    public bool DisposeHttpHandler { get; set; } = true;

    public string UserAgent { get; set; } = "grpc-dotnet-fastav/1.0";
}
