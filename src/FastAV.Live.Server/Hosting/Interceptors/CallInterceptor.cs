using Grpc.Core;
using Grpc.Core.Interceptors;

namespace FastAV.Live.Server.Hosting.Interceptors;

/// <summary>
/// Base of the pipeline's interceptors: each wraps a call's handler once (<see cref="AroundAsync{T}"/>), whatever the
/// method's kind, so the four server handler kinds are mapped here and nowhere else. A handler that streams no result
/// of its own (server streaming, duplex) completes with <c>true</c>.
/// </summary>
internal abstract class CallInterceptor : Interceptor
{
    public sealed override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation) =>
        AroundAsync(context, streamsResponses: false, call => continuation(request, call));

    public sealed override Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation) =>
        AroundAsync(context, streamsResponses: false, call => continuation(requestStream, call));

    public sealed override Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation) =>
        AroundAsync(context, streamsResponses: true, async call =>
        {
            await continuation(request, responseStream, call).ConfigureAwait(false);
            return true;
        });

    public sealed override Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context,
        DuplexStreamingServerMethod<TRequest, TResponse> continuation) =>
        AroundAsync(context, streamsResponses: true, async call =>
        {
            await continuation(requestStream, responseStream, call).ConfigureAwait(false);
            return true;
        });

    /// <summary>
    /// Runs the call's <paramref name="handler"/> (with <paramref name="context"/>, or a context of the interceptor's
    /// own) and whatever the interceptor does around it. <paramref name="streamsResponses"/>: the call writes a response
    /// stream (server streaming, duplex).
    /// </summary>
    protected abstract Task<T> AroundAsync<T>(ServerCallContext context, bool streamsResponses, Func<ServerCallContext, Task<T>> handler);
}
