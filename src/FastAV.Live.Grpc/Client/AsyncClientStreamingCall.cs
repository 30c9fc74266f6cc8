using System.Runtime.CompilerServices;
using FastAV.Live.Grpc.Client;

namespace FastAV.Live.Grpc;

/// <summary>A client-streaming call in flight: write requests, CompleteAsync, then await the response.</summary>
public sealed class AsyncClientStreamingCall<TRequest, TResponse> : AsyncCall
{
    internal AsyncClientStreamingCall(IClientStreamWriter<TRequest> requestStream, Task<TResponse> responseAsync, IClientCall call)
        : base(call)
    {
        RequestStream = requestStream;
        ResponseAsync = responseAsync;
    }

    public IClientStreamWriter<TRequest> RequestStream { get; }

    public Task<TResponse> ResponseAsync { get; }

    public TaskAwaiter<TResponse> GetAwaiter() => ResponseAsync.GetAwaiter();
}
