using FastAV.Live.Contracts.V1;
using FastAV.Live.Server.Observability;
using FastAV.Live.Server.Tenants;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace FastAV.Live.Server.Streams;

/// <summary>
/// The streams live on this server, by <see cref="StreamKey"/> (tenant, stream id): ids are unique per tenant. Opening
/// checks id uniqueness, the server's concurrency limit and the tenant's max_streams quota in one step, so two racing
/// opens of one id give exactly one ALREADY_EXISTS and a tenant never goes past its quota.
/// </summary>
public sealed class StreamRegistry(IOptions<LiveAnalyticsOptions> options, TimeProvider time, ILogger<StreamRegistry>? logger = null, IOptions<QuotaOptions>? quotas = null, LiveTelemetry? telemetry = null)
{
    private readonly LiveAnalyticsOptions _options = options.Value;
    private readonly TimeSpan _streamRetryDelay = quotas?.Value.StreamRetryDelay ?? new QuotaOptions().StreamRetryDelay;

    /// <summary>Where streams' operator log lines go (<see cref="StreamLog"/>).</summary>
    public ILogger Logger { get; } = logger ?? (ILogger)NullLogger.Instance;
    private readonly Dictionary<StreamKey, LiveStream> _streams = [];
    private readonly Dictionary<string, int> _perTenant = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _streams.Count;
            }
        }
    }

    /// <summary>
    /// Registers a validated StreamOpen for <paramref name="owner"/>: OK with the stream, ALREADY_EXISTS (the tenant has a
    /// live stream with that id), or RESOURCE_EXHAUSTED by quota max_streams (the tenant's, or the server's
    /// LiveAnalytics:MaxConcurrentStreams).
    /// </summary>
    public Status TryOpen(StreamOpen open, Tenant owner, string peer, out LiveStream? stream)
    {
        ArgumentNullException.ThrowIfNull(open);
        ArgumentNullException.ThrowIfNull(owner);
        stream = null;
        var key = new StreamKey(owner.Name, open.StreamId);
        lock (_gate)
        {
            if (_streams.ContainsKey(key))
            {
                return LiveStatuses.AlreadyExists("StreamOpen.stream_id", $"stream {IdentifierRules.Quote(open.StreamId)} is already live");
            }

            var tenantCount = _perTenant.GetValueOrDefault(owner.Name);
            if (owner.Quotas.MaxStreams is { } tenantMax && tenantCount >= tenantMax)
            {
                return QuotaRefusal.Of("StreamOpen", QuotaNames.MaxStreams, owner.Name, $"the tenant has {tenantCount} live streams, its limit", _streamRetryDelay);
            }

            if (_streams.Count >= _options.MaxConcurrentStreams)
            {
                return QuotaRefusal.Of("StreamOpen", QuotaNames.MaxStreams, null, $"the server already has {_streams.Count} live streams, its limit (LiveAnalytics:MaxConcurrentStreams)", _streamRetryDelay);
            }

            stream = new LiveStream(open, StreamSettings.Resolve(open, _options), peer, time.GetUtcNow(), time.GetTimestamp(), owner.Name);
            _streams.Add(key, stream);
            _perTenant[owner.Name] = tenantCount + 1;
            telemetry?.StreamOpened(stream);
            return Status.DefaultSuccess;
        }
    }

    /// <summary>Opens in the default tenant (a server without a tenants file), with no quota of its own.</summary>
    public Status TryOpen(StreamOpen open, string peer, out LiveStream? stream) => TryOpen(open, Tenant.Open, peer, out stream);

    /// <summary>Removes the stream if it is still the registered one under its key.</summary>
    public bool Close(LiveStream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        lock (_gate)
        {
            if (!_streams.TryGetValue(stream.Key, out var registered) || !ReferenceEquals(registered, stream) || !_streams.Remove(stream.Key))
            {
                return false;
            }

            telemetry?.StreamClosed(stream);

            var left = _perTenant[stream.Tenant] - 1;
            if (left == 0)
            {
                _perTenant.Remove(stream.Tenant);
            }
            else
            {
                _perTenant[stream.Tenant] = left;
            }

            return true;
        }
    }

    /// <summary>The tenant's stream with that id, or null (another tenant's stream of the same id is not found).</summary>
    public LiveStream? Find(StreamKey key)
    {
        lock (_gate)
        {
            return _streams.GetValueOrDefault(key);
        }
    }

    /// <summary>The default tenant's stream (a server without a tenants file).</summary>
    public LiveStream? Find(string streamId) => Find(StreamKey.Default(streamId));

    /// <summary>Live streams of <paramref name="tenant"/> now.</summary>
    public int CountOf(string tenant)
    {
        lock (_gate)
        {
            return _perTenant.GetValueOrDefault(tenant);
        }
    }

    /// <summary>Live streams per tenant now (tenants with none are left out).</summary>
    public IReadOnlyDictionary<string, int> CountByTenant()
    {
        lock (_gate)
        {
            return new Dictionary<string, int>(_perTenant, StringComparer.Ordinal);
        }
    }

    /// <summary>
    /// Up to <paramref name="max"/> streams of <paramref name="tenant"/> (null: of every tenant) whose id starts with
    /// <paramref name="prefix"/> and whose key sorts after <paramref name="after"/>, ordered by key (tenant, then id).
    /// </summary>
    public IReadOnlyList<LiveStream> List(string? tenant, string prefix, StreamKey? after, int max, out int total)
    {
        LiveStream[] matching;
        lock (_gate)
        {
            matching = _streams.Values.Where(s => (tenant is null || s.Tenant == tenant) && s.Id.StartsWith(prefix, StringComparison.Ordinal)).ToArray();
        }

        Array.Sort(matching, (a, b) => a.Key.CompareTo(b.Key));
        total = matching.Length;
        return matching.Where(s => after is not { } a || s.Key > a).Take(max).ToArray();
    }

    /// <summary>The default tenant's streams (a server without a tenants file), after the id <paramref name="after"/> ("" = from the start).</summary>
    public IReadOnlyList<LiveStream> List(string prefix, string after, int max, out int total) =>
        List(Tenant.DefaultName, prefix, after.Length == 0 ? null : StreamKey.Default(after), max, out total);

    /// <summary>Wall-clock time since the stream opened, milliseconds.</summary>
    public long UptimeMs(LiveStream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return (long)time.GetElapsedTime(stream.OpenedTimestamp).TotalMilliseconds;
    }
}
