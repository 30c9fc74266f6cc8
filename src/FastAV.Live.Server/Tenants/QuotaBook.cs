using System.Collections.Concurrent;
using System.Globalization;
using Grpc.Core;
using Microsoft.Extensions.Options;

namespace FastAV.Live.Server.Tenants;

/// <summary>
/// The rate quotas: a token bucket per tenant and per rate (Ask calls, media bytes), and one server-wide bucket per
/// rate. A charge takes from the tenant's bucket first, then the server's; when the server's refuses, the tenant's
/// tokens are given back. Limits are read from the tenants in force at each charge, so a reloaded file applies at once
/// while the tokens held carry over. Count quotas (streams, standing questions) are checked where they are counted:
/// the stream registry and the stream.
/// </summary>
public sealed class QuotaBook
{
    private readonly TenantDirectory _directory;
    private readonly TimeProvider _time;
    private readonly TokenBucket? _serverAsks;
    private readonly TokenBucket? _serverMedia;
    private readonly ConcurrentDictionary<string, TokenBucket> _asks = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TokenBucket> _media = new(StringComparer.Ordinal);

    public QuotaBook(TenantDirectory directory, IOptions<QuotaOptions> options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        _directory = directory;
        _time = time;
        var server = options.Value;
        if (server.MaxAsksPerSecond > 0)
        {
            _serverAsks = new TokenBucket(server.MaxAsksPerSecond, QuotaOptions.AskCapacity(server.MaxAsksPerSecond, server.AskBurst), time);
        }

        if (server.MaxMediaBytesPerSecond > 0)
        {
            _serverMedia = new TokenBucket(server.MaxMediaBytesPerSecond, QuotaOptions.MediaCapacity(server.MaxMediaBytesPerSecond, server.MediaBurstBytes), time);
        }
    }

    /// <summary>One Ask call by <paramref name="tenant"/>: OK, or RESOURCE_EXHAUSTED asks_per_second with the wait.</summary>
    public Status TryAsk(string tenant, string field)
    {
        var quotas = _directory.Find(tenant)?.Quotas ?? TenantQuotas.None;
        var bucket = quotas.MaxAsksPerSecond is { } rate ? Bucket(_asks, tenant, rate, QuotaOptions.AskCapacity(rate, quotas.AskBurst)) : null;
        return Charge(bucket, _serverAsks, 1, tenant, QuotaNames.AsksPerSecond, field, "Ask calls");
    }

    /// <summary>A media message of <paramref name="bytes"/> payload bytes: OK, or RESOURCE_EXHAUSTED media_bytes_per_second with the wait.</summary>
    public Status TryMedia(string tenant, long bytes, string field)
    {
        var quotas = _directory.Find(tenant)?.Quotas ?? TenantQuotas.None;
        var bucket = quotas.MaxMediaBytesPerSecond is { } rate ? Bucket(_media, tenant, rate, QuotaOptions.MediaCapacity(rate, quotas.MediaBurstBytes)) : null;
        return Charge(bucket, _serverMedia, bytes, tenant, QuotaNames.MediaBytesPerSecond, field, "media bytes");
    }

    /// <summary>The standing questions a stream of <paramref name="tenant"/> may have: the tenant's quota if lower than <paramref name="serverMax"/>; whose limit it is.</summary>
    public (int Max, string? Tenant) StandingQuestionLimit(string tenant, int serverMax)
    {
        var own = _directory.Find(tenant)?.Quotas.MaxStandingQuestions;
        return own is { } max && max < serverMax ? (max, tenant) : (serverMax, null);
    }

    private Status Charge(TokenBucket? tenantBucket, TokenBucket? serverBucket, double cost, string tenant, string quota, string field, string what)
    {
        if (tenantBucket is not null && !tenantBucket.TryTake(cost, out var tenantWait))
        {
            return QuotaRefusal.Of(field, quota, tenant, Describe(tenantBucket, what), tenantWait);
        }

        if (serverBucket is not null && !serverBucket.TryTake(cost, out var serverWait))
        {
            tenantBucket?.Refund(cost);
            return QuotaRefusal.Of(field, quota, null, Describe(serverBucket, what), serverWait);
        }

        return Status.DefaultSuccess;
    }

    private TokenBucket Bucket(ConcurrentDictionary<string, TokenBucket> buckets, string tenant, double rate, double capacity)
    {
        var bucket = buckets.GetOrAdd(tenant, _ => new TokenBucket(rate, capacity, _time));
        if (bucket.Rate != rate || bucket.Capacity != capacity)
        {
            bucket.Configure(rate, capacity);
        }

        return bucket;
    }

    private static string Describe(TokenBucket bucket, string what) =>
        string.Create(CultureInfo.InvariantCulture, $"{bucket.Rate:0.###} {what} per second, burst {bucket.Capacity:0.###}");
}
