using System.Runtime.CompilerServices;
using FastAV.Live.Grpc.Client;

namespace FastAV.Live.Grpc;

/// <summary>A unary call in flight; await it for the response.</summary>
public sealed class AsyncUnaryCall<TResponse> : AsyncCall
{
    internal AsyncUnaryCall(Task<TResponse> responseAsync, IClientCall call)
        : base(call) => ResponseAsync = responseAsync;

    public Task<TResponse> ResponseAsync { get; }

    public TaskAwaiter<TResponse> GetAwaiter() => ResponseAsync.GetAwaiter();
}
