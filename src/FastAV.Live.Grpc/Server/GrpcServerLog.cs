using Microsoft.Extensions.Logging;

namespace FastAV.Live.Grpc.Server;

internal static partial class GrpcServerLog
{
    [LoggerMessage(1, LogLevel.Debug, "gRPC call {Method} ended with {StatusCode}: {Detail}")]
    public static partial void CallEnded(ILogger logger, string method, StatusCode statusCode, string detail);

    [LoggerMessage(2, LogLevel.Error, "gRPC handler of {Method} threw")]
    public static partial void HandlerFailed(ILogger logger, string method, Exception exception);

    [LoggerMessage(3, LogLevel.Debug, "gRPC call {Method} passed its deadline")]
    public static partial void DeadlineExceeded(ILogger logger, string method);

    [LoggerMessage(4, LogLevel.Debug, "gRPC call {Method} could not be finished")]
    public static partial void FinishFailed(ILogger logger, string method, Exception exception);

    [LoggerMessage(5, LogLevel.Debug, "Rejected gRPC request to {Path}: HTTP {HttpStatus}, {Detail}")]
    public static partial void Rejected(ILogger logger, string path, int httpStatus, string detail);
}
