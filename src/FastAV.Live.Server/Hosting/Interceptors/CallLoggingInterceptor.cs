using Grpc.Core;

namespace FastAV.Live.Server.Hosting.Interceptors;

/// <summary>
/// Opens each call's logging scope (<see cref="CallLogScope"/>: method, peer, stream id) around everything the call
/// does, and writes one Debug line when it ends, with its status.
/// </summary>
internal sealed partial class CallLoggingInterceptor(ILogger<CallLoggingInterceptor> logger) : CallInterceptor
{
    protected override async Task<T> AroundAsync<T>(ServerCallContext context, bool streamsResponses, Func<ServerCallContext, Task<T>> handler)
    {
        var scope = CallLogScope.Begin(context);
        using (logger.BeginScope(scope))
        {
            try
            {
                var result = await handler(context).ConfigureAwait(false);
                LogCallEnded(logger, scope.Method, StatusCode.OK, "", scope.StreamId ?? "", scope.Peer);
                return result;
            }
            catch (RpcException ex)
            {
                LogCallEnded(logger, scope.Method, ex.StatusCode, ex.Status.Detail, scope.StreamId ?? "", scope.Peer);
                throw;
            }
            catch (Exception ex) when (ex is OperationCanceledException && context.CancellationToken.IsCancellationRequested)
            {
                LogCallEnded(logger, scope.Method, StatusCode.Cancelled, "cancelled by the client or its deadline", scope.StreamId ?? "", scope.Peer);
                throw;
            }
            catch (Exception ex)
            {
                // The library logs the exception itself (at Error) and answers UNKNOWN.
                LogCallEnded(logger, scope.Method, StatusCode.Unknown, ex.GetType().Name, scope.StreamId ?? "", scope.Peer);
                throw;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Call {GrpcMethod} ended {StatusCode} {Detail} (stream {StreamId}, peer {Peer})")]
    private static partial void LogCallEnded(ILogger logger, string grpcMethod, StatusCode statusCode, string detail, string streamId, string peer);
}
