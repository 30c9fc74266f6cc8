using FastAV.Live.Grpc.Client;

namespace FastAV.Live.Grpc;

/// <summary>A server-streaming call in flight: read the responses until MoveNext returns false.</summary>
public sealed class AsyncServerStreamingCall<TResponse> : AsyncCall
{
    internal AsyncServerStreamingCall(IAsyncStreamReader<TResponse> responseStream, IClientCall call)
        : base(call) => ResponseStream = responseStream;

    public IAsyncStreamReader<TResponse> ResponseStream { get; }
}
