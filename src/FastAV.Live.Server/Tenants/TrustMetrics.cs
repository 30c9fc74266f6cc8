using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using FastAV.Live.Server.Streams;
using Grpc.Core;

namespace FastAV.Live.Server.Tenants;

/// <summary>
/// The counts of authentication and quotas, as System.Diagnostics.Metrics instruments on the meter
/// <see cref="MeterName"/> (any exporter that listens to it — prometheus-net's meter adapter, OpenTelemetry's AddMeter —
/// publishes them) and readable here for tests and other views:
/// <list type="bullet">
/// <item>fastav.auth.refusals (counter; method, code, tenant): calls refused UNAUTHENTICATED or PERMISSION_DENIED;</item>
/// <item>fastav.quota.refusals (counter; quota, scope, tenant): RESOURCE_EXHAUSTED by a quota;</item>
/// <item>fastav.tenant.streams (gauge; tenant): live streams per tenant.</item>
/// </list>
/// Tenants come from the tenants file, so the tags stay few.
/// </summary>
public sealed class TrustMetrics
{
    public const string MeterName = "FastAV.Live.Trust";

    private readonly Counter<long> _authRefusals;
    private readonly Counter<long> _quotaRefusals;
    private readonly ConcurrentDictionary<(string Method, StatusCode Code), long> _auth = new();
    private readonly ConcurrentDictionary<(string Quota, string? Tenant), long> _quota = new();

    /// <param name="meters">Where the meter comes from (the host's).</param>
    /// <param name="registry">The live streams, for the per-tenant gauge; null in hosts without LiveAnalytics (the interop host).</param>
    public TrustMetrics(IMeterFactory meters, StreamRegistry? registry = null)
    {
        ArgumentNullException.ThrowIfNull(meters);
        var meter = meters.Create(MeterName);
        _authRefusals = meter.CreateCounter<long>("fastav.auth.refusals", "{call}", "Calls refused UNAUTHENTICATED or PERMISSION_DENIED");
        _quotaRefusals = meter.CreateCounter<long>("fastav.quota.refusals", "{refusal}", "Calls or messages refused RESOURCE_EXHAUSTED by a quota");
        meter.CreateObservableGauge(
            "fastav.tenant.streams",
            () => (registry?.CountByTenant() ?? new Dictionary<string, int>()).Select(c => new Measurement<int>(c.Value, new KeyValuePair<string, object?>("tenant", c.Key))),
            "{stream}",
            "Live streams per tenant");
    }

    public void AuthRefused(string method, StatusCode code, string? tenant)
    {
        _auth.AddOrUpdate((method, code), 1, (_, n) => n + 1);
        _authRefusals.Add(1, new("method", method), new("code", code.ToString()), new("tenant", tenant ?? ""));
    }

    public void QuotaRefused(QuotaExceededException quota)
    {
        ArgumentNullException.ThrowIfNull(quota);
        _quota.AddOrUpdate((quota.Quota, quota.Tenant), 1, (_, n) => n + 1);
        _quotaRefusals.Add(1, new("quota", quota.Quota), new("scope", quota.Tenant is null ? "server" : "tenant"), new("tenant", quota.Tenant ?? ""));
    }

    /// <summary>Calls of <paramref name="method"/> ("Stream", "Ask", ...) refused with <paramref name="code"/> so far.</summary>
    public long AuthRefusals(string method, StatusCode code) => _auth.GetValueOrDefault((method, code));

    /// <summary>Refusals by <paramref name="quota"/> of <paramref name="tenant"/> (null: the server-wide quota) so far.</summary>
    public long QuotaRefusals(string quota, string? tenant) => _quota.GetValueOrDefault((quota, tenant));
}
