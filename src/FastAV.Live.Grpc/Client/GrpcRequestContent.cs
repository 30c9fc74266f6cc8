using System.Net;
using System.Net.Http.Headers;
using FastAV.Live.Grpc.Wire;

namespace FastAV.Live.Grpc.Client;

/// <summary>The request body of a call: written by the call as messages are sent, of unknown length.</summary>
internal sealed class GrpcRequestContent : HttpContent
{
    private static readonly MediaTypeHeaderValue GrpcMediaType = new(GrpcProtocol.ContentType);
    private readonly Func<Stream, Task> _write;

    public GrpcRequestContent(Func<Stream, Task> write)
    {
        _write = write;
        Headers.ContentType = GrpcMediaType;
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => _write(stream);

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken) => _write(stream);

    protected override bool TryComputeLength(out long length)
    {
        length = -1;
        return false;
    }
}
