using Grpc.Core;
using Grpc.Core.Interceptors;

namespace FastAV.Live.Server.Hosting.Interceptors;

/// <summary>
/// Opens each call's logging scope (<see cref="CallLogScope"/>: method, peer, stream id) around everything the call
/// does, and writes one Debug line when it ends, with its status.
/// </summary>
internal sealed partial class CallLoggingInterceptor(ILogger<CallLoggingInterceptor> logger) : Interceptor
{
    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation) =>
        RunAsync(context, () => continuation(request, context));

    public override Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation) =>
        RunAsync(context, () => continuation(requestStream, context));

    public override Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation) =>
        RunAsync(context, async () =>
        {
            await continuation(request, responseStream, context).ConfigureAwait(false);
            return true;
        });

    public override Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context,
        DuplexStreamingServerMethod<TRequest, TResponse> continuation) =>
        RunAsync(context, async () =>
        {
            await continuation(requestStream, responseStream, context).ConfigureAwait(false);
            return true;
        });

    private async Task<T> RunAsync<T>(ServerCallContext context, Func<Task<T>> handler)
    {
        var scope = CallLogScope.Begin(context);
        using (logger.BeginScope(scope))
        {
            try
            {
                var result = await handler().ConfigureAwait(false);
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
