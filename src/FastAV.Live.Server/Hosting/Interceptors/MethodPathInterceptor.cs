using Grpc.AspNetCore.Server;
using Grpc.Core;

namespace FastAV.Live.Server.Hosting.Interceptors;

/// <summary>
/// gRPC method names are case-sensitive, ASP.NET Core's routes are not: "/fastav.live.v1.liveanalytics/Stream" would reach
/// Stream. A call whose path is not exactly its method's name ends UNIMPLEMENTED "Service is unimplemented.", as on any
/// other gRPC server, so a client (or a proxy routing on the path) that gets the case wrong learns it here, not in production.
/// </summary>
internal sealed class MethodPathInterceptor : CallInterceptor
{
    private static readonly Status Unimplemented = new(StatusCode.Unimplemented, "Service is unimplemented.");

    protected override Task<T> AroundAsync<T>(ServerCallContext context, bool streamsResponses, Func<ServerCallContext, Task<T>> handler)
    {
        Check(context);
        return handler(context);
    }

    private static void Check(ServerCallContext context)
    {
        var http = context.GetHttpContext();
        if (http.GetEndpoint()?.Metadata.GetMetadata<GrpcMethodMetadata>() is { } method
            && !string.Equals(http.Request.Path.Value, method.Method.FullName, StringComparison.Ordinal))
        {
            throw new RpcException(Unimplemented);
        }
    }
}
