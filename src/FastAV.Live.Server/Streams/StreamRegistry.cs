using FastAV.Live.Contracts.V1;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace FastAV.Live.Server.Streams;

/// <summary>
/// The streams live on this server, by id. Opening checks the concurrency limit and id uniqueness in one
/// step, so two racing opens of one id give exactly one ALREADY_EXISTS.
/// </summary>
public sealed class StreamRegistry(IOptions<LiveAnalyticsOptions> options, TimeProvider time, ILogger<StreamRegistry>? logger = null)
{
    private readonly LiveAnalyticsOptions _options = options.Value;

    /// <summary>Where streams' operator log lines go (<see cref="StreamLog"/>).</summary>
    public ILogger Logger { get; } = logger ?? (ILogger)NullLogger.Instance;
    private readonly Dictionary<string, LiveStream> _streams = new(StringComparer.Ordinal);
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

    /// <summary>Registers a validated StreamOpen: OK with the stream, ALREADY_EXISTS or RESOURCE_EXHAUSTED.</summary>
    public Status TryOpen(StreamOpen open, string peer, out LiveStream? stream)
    {
        ArgumentNullException.ThrowIfNull(open);
        stream = null;
        lock (_gate)
        {
            if (_streams.ContainsKey(open.StreamId))
            {
                return LiveStatuses.AlreadyExists("StreamOpen.stream_id", $"stream {IdentifierRules.Quote(open.StreamId)} is already live");
            }

            if (_streams.Count >= _options.MaxConcurrentStreams)
            {
                return LiveStatuses.Exhausted("StreamOpen", $"the server already has {_streams.Count} live streams, its limit (MaxConcurrentStreams)");
            }

            stream = new LiveStream(open, StreamSettings.Resolve(open, _options), peer, time.GetUtcNow(), time.GetTimestamp());
            _streams.Add(stream.Id, stream);
            return Status.DefaultSuccess;
        }
    }

    /// <summary>Removes the stream if it is still the registered one under its id.</summary>
    public bool Close(LiveStream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        lock (_gate)
        {
            return _streams.TryGetValue(stream.Id, out var registered) && ReferenceEquals(registered, stream) && _streams.Remove(stream.Id);
        }
    }

    public LiveStream? Find(string streamId)
    {
        lock (_gate)
        {
            return _streams.GetValueOrDefault(streamId);
        }
    }

    /// <summary>Up to <paramref name="max"/> streams whose id starts with <paramref name="prefix"/> and sorts after <paramref name="after"/>, ordered by id.</summary>
    public IReadOnlyList<LiveStream> List(string prefix, string after, int max, out int total)
    {
        LiveStream[] matching;
        lock (_gate)
        {
            matching = _streams.Values.Where(s => s.Id.StartsWith(prefix, StringComparison.Ordinal)).ToArray();
        }

        Array.Sort(matching, (a, b) => string.CompareOrdinal(a.Id, b.Id));
        total = matching.Length;
        return matching.Where(s => after.Length == 0 || string.CompareOrdinal(s.Id, after) > 0).Take(max).ToArray();
    }

    /// <summary>Wall-clock time since the stream opened, milliseconds.</summary>
    public long UptimeMs(LiveStream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return (long)time.GetElapsedTime(stream.OpenedTimestamp).TotalMilliseconds;
    }
}
