using Grpc.AspNetCore.Server;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace FastAV.Live.Server.Hosting.Interceptors;

/// <summary>
/// gRPC method names are case-sensitive, ASP.NET Core's routes are not: "/fastav.live.v1.liveanalytics/Stream" would reach
/// Stream. A call whose path is not exactly its method's name ends UNIMPLEMENTED "Service is unimplemented.", as on any
/// other gRPC server, so a client (or a proxy routing on the path) that gets the case wrong learns it here, not in production.
/// </summary>
internal sealed class MethodPathInterceptor : Interceptor
{
    private static readonly Status Unimplemented = new(StatusCode.Unimplemented, "Service is unimplemented.");

    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        Check(context);
        return continuation(request, context);
    }

    public override Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Check(context);
        return continuation(requestStream, context);
    }

    public override Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Check(context);
        return continuation(request, responseStream, context);
    }

    public override Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context,
        DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Check(context);
        return continuation(requestStream, responseStream, context);
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
