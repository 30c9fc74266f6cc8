using Contract = FastAV.Live.Contracts.V1;

namespace FastAV.Live.LoadTests.Streaming;

/// <summary>One stream's measurements while it lives; <see cref="StreamingMetrics"/> keeps every tracker of the run.</summary>
internal sealed class StreamTracker
{
    private readonly object _gate = new();
    private readonly StreamingMetrics _metrics;
    private readonly List<double> _latencies = [];
    private readonly Dictionary<string, HashSet<long>> _answered = new(StringComparer.Ordinal);
    private Contract.StreamStats? _stats;
    private long _late;
    private long _expected;
    private long _missing;
    private long _warnings;
    private long _kvBytes;

    internal StreamTracker(StreamingMetrics metrics, string streamId, string policy, TimeSpan openedAt)
    {
        _metrics = metrics;
        StreamId = streamId;
        Policy = policy;
        OpenedAt = openedAt;
    }

    public string StreamId { get; }

    public string Policy { get; }

    public TimeSpan OpenedAt { get; }

    public TimeSpan? ClosedAt { get; private set; }

    public string Outcome { get; private set; } = "live";

    public bool IsLive => ClosedAt is null;

    public double Flops { get; private set; }

    public double FlopsUnpruned { get; private set; }

    /// <summary>The media time <see cref="Flops"/> covers: the stream's timeline up to that answer's window (Answer.stream_span), µs.</summary>
    public long FlopsMediaUs { get; private set; }

    public long KvBytes
    {
        get
        {
            lock (_gate)
            {
                return _kvBytes;
            }
        }
    }

    /// <summary>A standing answer: <paramref name="latencyMs"/> from the window's close to its arrival.</summary>
    public void StandingAnswer(Contract.Answer answer, double latencyMs)
    {
        var late = latencyMs > _metrics.LateAfterMs;
        lock (_gate)
        {
            _latencies.Add(latencyMs);
            if (late) _late++;
            if (!_answered.TryGetValue(answer.QuestionId, out var spans)) _answered[answer.QuestionId] = spans = [];
            spans.Add(answer.Span?.EndPtsUs ?? 0);
            if (answer.Pruning is { } p)
            {
                if (p.StreamFlopsUnpruned > 0)
                {
                    Flops = p.StreamFlops;
                    FlopsUnpruned = p.StreamFlopsUnpruned;
                    FlopsMediaUs = answer.StreamSpan is { } span ? Math.Max(0, span.EndPtsUs - span.StartPtsUs) : 0;
                }

                _kvBytes = (long)p.KvBytes;
            }
        }

        _metrics.RecordStanding(latencyMs, answer.LatencyUs / 1000.0, late);
    }

    public void Stats(Contract.StreamStats stats)
    {
        lock (_gate)
        {
            _stats = stats;
            _kvBytes = (long)stats.KvBytes;
        }
    }

    public void Warning(Contract.WarningCode code)
    {
        lock (_gate)
        {
            _warnings++;
        }

        _metrics.RecordWarning(code);
    }

    /// <summary>
    /// The call ended. When it ended cleanly with its final stats, askings due by the media sent (every
    /// interval of media time, <paramref name="mediaSentUs"/> in all) that got no answer are missing.
    /// </summary>
    public void Close(string outcome, TimeSpan closedAt, long mediaSentUs, IReadOnlyDictionary<string, long> intervalsUs, bool countMissing)
    {
        lock (_gate)
        {
            if (ClosedAt is not null) return;
            ClosedAt = closedAt;
            Outcome = outcome;
            if (!countMissing) return;
            foreach (var (question, intervalUs) in intervalsUs)
            {
                if (intervalUs <= 0) continue;
                var due = mediaSentUs / intervalUs;
                var got = _answered.TryGetValue(question, out var spans) ? spans.Count(end => end <= mediaSentUs) : 0;
                _expected += due;
                _missing += Math.Max(0, due - got);
            }
        }
    }

    public StreamRecord ToRecord()
    {
        lock (_gate)
        {
            var p95 = _latencies.Count == 0 ? 0 : _latencies.Order().ElementAt((int)Math.Ceiling(0.95 * _latencies.Count) - 1);
            return new StreamRecord(
                StreamId, Policy, OpenedAt.TotalSeconds, (ClosedAt ?? TimeSpan.Zero).TotalSeconds,
                (long)(_stats?.WindowsPrefilled ?? 0), (long)(_stats?.WindowsDropped ?? 0), (long)(_stats?.FramesDropped ?? 0),
                _latencies.Count, _expected, _late, _missing, Math.Round(p95, 1), _kvBytes, _warnings, Outcome);
        }
    }

    public Contract.StreamStats? LastStats
    {
        get
        {
            lock (_gate)
            {
                return _stats;
            }
        }
    }
}
