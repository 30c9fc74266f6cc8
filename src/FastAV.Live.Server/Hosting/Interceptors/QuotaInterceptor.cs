using FastAV.Live.Server.Tenants;
using Grpc.Core;

namespace FastAV.Live.Server.Hosting.Interceptors;

/// <summary>
/// A call that ends RESOURCE_EXHAUSTED by a quota (a status made by <see cref="QuotaRefusal"/>, wherever the handler
/// threw it) gets the refusal's trailers — grpc-status-details-bin with ErrorInfo, QuotaFailure and RetryInfo, and
/// retry-after-ms — and is counted in <see cref="TrustMetrics"/>.
/// </summary>
internal sealed class QuotaInterceptor(TrustMetrics metrics) : CallInterceptor
{
    protected override async Task<T> AroundAsync<T>(ServerCallContext context, bool streamsResponses, Func<ServerCallContext, Task<T>> handler)
    {
        try
        {
            return await handler(context).ConfigureAwait(false);
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
