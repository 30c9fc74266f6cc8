using FastAV.Live.Server.Tenants;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace FastAV.Live.Server.Hosting.Interceptors;

/// <summary>
/// A call that ends RESOURCE_EXHAUSTED by a quota (a status made by <see cref="QuotaRefusal"/>, wherever the handler
/// threw it) gets the refusal's trailers — grpc-status-details-bin with ErrorInfo, QuotaFailure and RetryInfo, and
/// retry-after-ms — and is counted in <see cref="TrustMetrics"/>.
/// </summary>
internal sealed class QuotaInterceptor(TrustMetrics metrics) : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(request, context).ConfigureAwait(false);
        }
        catch (RpcException ex) when (QuotaRefusal.Of(ex.Status) is { } quota)
        {
            throw Detailed(ex, quota);
        }
    }

    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(requestStream, context).ConfigureAwait(false);
        }
        catch (RpcException ex) when (QuotaRefusal.Of(ex.Status) is { } quota)
        {
            throw Detailed(ex, quota);
        }
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            await continuation(request, responseStream, context).ConfigureAwait(false);
        }
        catch (RpcException ex) when (QuotaRefusal.Of(ex.Status) is { } quota)
        {
            throw Detailed(ex, quota);
        }
    }

    public override async Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context,
        DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            await continuation(requestStream, responseStream, context).ConfigureAwait(false);
        }
        catch (RpcException ex) when (QuotaRefusal.Of(ex.Status) is { } quota)
        {
            throw Detailed(ex, quota);
        }
    }

    private RpcException Detailed(RpcException ex, QuotaExceededException quota)
    {
        metrics.QuotaRefused(quota);
        var trailers = quota.Trailers(ex.Status);
        foreach (var entry in ex.Trailers)
        {
            trailers.Add(entry);
        }

        return new RpcException(new Status(ex.StatusCode, ex.Status.Detail), trailers);
    }
}
