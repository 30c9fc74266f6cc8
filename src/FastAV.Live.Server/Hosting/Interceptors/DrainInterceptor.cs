using Grpc.Core;
using Grpc.Core.Interceptors;

namespace FastAV.Live.Server.Hosting.Interceptors;

/// <summary>
/// Ends calls on drain: once <see cref="ServerDrain.EndCalls"/> ran, a new call is refused and a running call's token
/// fires; whatever the handler then ends with (cancellation, a write on a closing call) becomes UNAVAILABLE "retry on
/// another server". A handler that has something to say first (Stream: its final StreamStats) throws that status itself.
/// A streaming handler that returns quietly once its token fires (the package's health Watch does) was cut short, not
/// finished: its call ends UNAVAILABLE too, so the client knows to reconnect.
/// </summary>
internal sealed class DrainInterceptor(ServerDrain drain) : Interceptor
{
    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation) =>
        RunAsync(context, call => continuation(request, call));

    public override Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation) =>
        RunAsync(context, call => continuation(requestStream, call));

    public override Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation) =>
        RunAsync(context, async call =>
        {
            await continuation(request, responseStream, call).ConfigureAwait(false);
            ThrowIfCutShort(call, context);
            return true;
        });

    public override Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context,
        DuplexStreamingServerMethod<TRequest, TResponse> continuation) =>
        RunAsync(context, async call =>
        {
            await continuation(requestStream, responseStream, call).ConfigureAwait(false);
            ThrowIfCutShort(call, context);
            return true;
        });

    private void ThrowIfCutShort(ServerCallContext call, ServerCallContext context)
    {
        if (drain.IsEndingCalls && call.CancellationToken.IsCancellationRequested && !context.CancellationToken.IsCancellationRequested)
        {
            throw new RpcException(ServerDrain.RetryElsewhere);
        }
    }

    private async Task<T> RunAsync<T>(ServerCallContext context, Func<ServerCallContext, Task<T>> handler)
    {
        if (drain.IsEndingCalls)
        {
            throw new RpcException(ServerDrain.RetryElsewhere);
        }

        using var call = new DrainingCallContext(context, drain.CallsEnding);
        drain.CallStarted();
        try
        {
            return await handler(call).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or InvalidOperationException
                                   && drain.IsEndingCalls && !context.CancellationToken.IsCancellationRequested)
        {
            throw new RpcException(ServerDrain.RetryElsewhere);
        }
        finally
        {
            drain.CallEnded();
        }
    }
}
