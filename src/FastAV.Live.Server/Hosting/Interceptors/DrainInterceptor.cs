using Grpc.Core;

namespace FastAV.Live.Server.Hosting.Interceptors;

/// <summary>
/// Ends calls on drain: once <see cref="ServerDrain.EndCalls"/> ran, a new call is refused and a running call's token
/// fires; whatever the handler then ends with (cancellation, a write on a closing call) becomes UNAVAILABLE "retry on
/// another server". A handler that has something to say first (Stream: its final StreamStats) throws that status itself.
/// A streaming handler that returns quietly once its token fires (the package's health Watch does) was cut short, not
/// finished: its call ends UNAVAILABLE too, so the client knows to reconnect.
/// </summary>
internal sealed class DrainInterceptor(ServerDrain drain) : CallInterceptor
{
    protected override async Task<T> AroundAsync<T>(ServerCallContext context, bool streamsResponses, Func<ServerCallContext, Task<T>> handler)
    {
        if (drain.IsEndingCalls)
        {
            throw new RpcException(ServerDrain.RetryElsewhere);
        }

        using var call = new DrainingCallContext(context, drain.CallsEnding);
        drain.CallStarted();
        try
        {
            var result = await handler(call).ConfigureAwait(false);
            if (streamsResponses)
            {
                ThrowIfCutShort(call, context);
            }

            return result;
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

    private void ThrowIfCutShort(ServerCallContext call, ServerCallContext context)
    {
        if (drain.IsEndingCalls && call.CancellationToken.IsCancellationRequested && !context.CancellationToken.IsCancellationRequested)
        {
            throw new RpcException(ServerDrain.RetryElsewhere);
        }
    }
}
