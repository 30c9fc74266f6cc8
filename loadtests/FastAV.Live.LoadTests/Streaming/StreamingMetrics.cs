using System.Diagnostics;
using FastAV.Live.LoadTests.Stats;
using HdrHistogram;
using Contract = FastAV.Live.Contracts.V1;

namespace FastAV.Live.LoadTests.Streaming;

/// <summary>
/// The streaming measurements of one scenario's streams (see <see cref="StreamingStats"/>). Thread-safe; the
/// runner resets it when warm-up ends, so warm-up streams never count.
/// </summary>
public sealed class StreamingMetrics
{
    private readonly object _gate = new();
    private readonly List<StreamTracker> _streams = [];
    private readonly Dictionary<string, long> _warnings = new(StringComparer.Ordinal);
    private LongHistogram _standing = NewHistogram();
    private LongHistogram _serverStanding = NewHistogram();
    private LongHistogram _ttft = NewHistogram();
    private LongHistogram _itl = NewHistogram();
    private (double Sum, double Max) _standingSum;
    private (double Sum, double Max) _serverSum;
    private (double Sum, double Max) _ttftSum;
    private (double Sum, double Max) _itlSum;
    private long _late;
    private long _failedOpens;
    private long _reopenRetries;
    private long _clockStart = Stopwatch.GetTimestamp();

    /// <param name="lateAfterMs">A standing answer later than this after its window closed counts as late.</param>
    public StreamingMetrics(double lateAfterMs)
    {
        if (!(lateAfterMs > 0)) throw new ArgumentOutOfRangeException(nameof(lateAfterMs), lateAfterMs, "must be positive");
        LateAfterMs = lateAfterMs;
    }

    public double LateAfterMs { get; }

    /// <summary>Time on the metrics' clock (restarted by <see cref="Reset"/>).</summary>
    public TimeSpan Elapsed => Stopwatch.GetElapsedTime(_clockStart);

    public int LiveStreams
    {
        get
        {
            lock (_gate)
            {
                return _streams.Count(s => s.IsLive);
            }
        }
    }

    /// <summary>KV bytes of the live streams (their latest StreamStats or answer), summed, and their count.</summary>
    public (long Total, int Streams) LiveKvBytes()
    {
        lock (_gate)
        {
            var live = _streams.Where(s => s.IsLive && s.LastStats is not null).ToList();
            return (live.Sum(s => s.KvBytes), live.Count);
        }
    }

    internal StreamTracker Register(string streamId, string policy)
    {
        lock (_gate)
        {
            var tracker = new StreamTracker(this, streamId, policy, Elapsed);
            _streams.Add(tracker);
            return tracker;
        }
    }

    internal void RecordFailedOpen() => Interlocked.Increment(ref _failedOpens);

    internal void RecordReopenRetry() => Interlocked.Increment(ref _reopenRetries);

    internal void RecordStanding(double clientMs, double serverMs, bool late)
    {
        lock (_gate)
        {
            Add(_standing, ref _standingSum, clientMs);
            Add(_serverStanding, ref _serverSum, serverMs);
            if (late) _late++;
        }
    }

    internal void RecordWarning(Contract.WarningCode code)
    {
        var name = StatusCodes.UpperSnake(code.ToString());
        lock (_gate)
        {
            _warnings[name] = _warnings.GetValueOrDefault(name) + 1;
        }
    }

    /// <summary>One Ask: time to its first token, and the gap before each later token (a chunk of k tokens after a gap g counts k gaps of g/k).</summary>
    public void RecordAsk(double firstTokenMs, IEnumerable<(double GapMs, int Tokens)> gaps)
    {
        ArgumentNullException.ThrowIfNull(gaps);
        lock (_gate)
        {
            Add(_ttft, ref _ttftSum, firstTokenMs);
            foreach (var (gap, tokens) in gaps)
            {
                for (var i = 0; i < Math.Max(1, tokens); i++) Add(_itl, ref _itlSum, gap / Math.Max(1, tokens));
            }
        }
    }

    /// <summary>Forgets everything (warm-up is over) and restarts the clock.</summary>
    public void Reset()
    {
        lock (_gate)
        {
            _streams.Clear();
            _warnings.Clear();
            _standing = NewHistogram();
            _serverStanding = NewHistogram();
            _ttft = NewHistogram();
            _itl = NewHistogram();
            _standingSum = _serverSum = _ttftSum = _itlSum = default;
            _late = 0;
            _failedOpens = 0;
            _reopenRetries = 0;
            _clockStart = Stopwatch.GetTimestamp();
        }
    }

    /// <summary>The stats now; slopes come from <paramref name="fleet"/> (the runner's samples of this scenario).</summary>
    public StreamingStats Snapshot(IReadOnlyList<FleetPoint> fleet)
    {
        ArgumentNullException.ThrowIfNull(fleet);
        lock (_gate)
        {
            var records = _streams.Select(s => s.ToRecord()).ToList();
            var stats = _streams.Select(s => s.LastStats).Where(s => s is not null).Select(s => s!).ToList();
            var flops = _streams.Sum(s => s.Flops);
            var unpruned = _streams.Sum(s => s.FlopsUnpruned);
            var timed = _streams.Where(s => s.FlopsMediaUs > 0).ToList();
            var flopsMediaSeconds = timed.Sum(s => s.FlopsMediaUs) / 1e6;
            var kv = records.Where(r => r.KvBytes > 0).Select(r => r.KvBytes).ToList();
            var rss = fleet.Where(p => p.ServerRssBytes > 0).ToList();
            var secondHalf = fleet.Count == 0 ? new List<FleetPoint>() : fleet.Where(p => p.At >= fleet[^1].At / 2).ToList();
            return new StreamingStats
            {
                StandingLatency = Summary(_standing, _standingSum),
                ServerStandingLatency = Summary(_serverStanding, _serverSum),
                AskTimeToFirstToken = Summary(_ttft, _ttftSum),
                AskInterTokenLatency = Summary(_itl, _itlSum),
                LateAfterMs = LateAfterMs,
                AnswersExpected = records.Sum(r => r.Expected),
                AnswersLate = _late,
                AnswersMissing = records.Sum(r => r.Missing),
                WindowsPrefilled = stats.Sum(s => (long)s.WindowsPrefilled),
                WindowsDropped = stats.Sum(s => (long)s.WindowsDropped),
                FramesDropped = stats.Sum(s => (long)s.FramesDropped),
                DecodeErrors = stats.Sum(s => (long)s.DecodeErrors),
                AnswersDropped = stats.Sum(s => (long)s.AnswersDropped),
                MediaRejected = stats.Sum(s => (long)(s.VideoFramesRejected + s.AudioChunksRejected)),
                Warnings = new SortedDictionary<string, long>(_warnings, StringComparer.Ordinal),
                StreamsOpened = _streams.Count,
                StreamsFailed = _failedOpens + records.Count(r => r.Outcome is not ("OK" or "live" or "cancelled")),
                ReopenRetries = _reopenRetries,
                KvBytesPerStreamMean = kv.Count == 0 ? 0 : kv.Average(),
                KvBytesPerStreamMax = kv.Count == 0 ? 0 : kv.Max(),
                FlopsRatio = unpruned > 0 ? flops / unpruned : double.NaN,
                FlopsPerMediaSecond = flopsMediaSeconds > 0 ? timed.Sum(s => s.Flops) / flopsMediaSeconds : double.NaN,
                ServerRssFirstBytes = rss.Count == 0 ? -1 : rss[0].ServerRssBytes,
                ServerRssLastBytes = rss.Count == 0 ? -1 : rss[^1].ServerRssBytes,
                ServerRssMaxBytes = rss.Count == 0 ? -1 : rss.Max(p => p.ServerRssBytes),
                ServerRssSlopeBytesPerMinute = Slope(secondHalf.Where(p => p.ServerRssBytes > 0).Select(p => (p.At, (double)p.ServerRssBytes))),
                KvPerStreamSlopeBytesPerMinute = Slope(secondHalf.Where(p => p.LiveStreams > 0).Select(p => (p.At, p.KvBytesPerStream))),
                Streams = records,
            };
        }
    }

    /// <summary>Least-squares slope in units per minute; NaN with fewer than 3 points.</summary>
    internal static double Slope(IEnumerable<(TimeSpan At, double Value)> points)
    {
        var p = points.ToList();
        if (p.Count < 3) return double.NaN;
        var mx = p.Average(q => q.At.TotalMinutes);
        var my = p.Average(q => q.Value);
        var sxx = p.Sum(q => (q.At.TotalMinutes - mx) * (q.At.TotalMinutes - mx));
        return sxx == 0 ? double.NaN : p.Sum(q => (q.At.TotalMinutes - mx) * (q.Value - my)) / sxx;
    }

    private static LongHistogram NewHistogram() => new(MeasurementAccumulator.MaxLatencyMicroseconds, 3);

    private static void Add(LongHistogram h, ref (double Sum, double Max) sum, double ms)
    {
        ms = double.IsFinite(ms) ? Math.Max(0, ms) : 0;
        h.RecordValue(Math.Clamp((long)Math.Round(ms * 1000), 0, MeasurementAccumulator.MaxLatencyMicroseconds));
        sum = (sum.Sum + ms, Math.Max(sum.Max, ms));
    }

    private static LatencySummary Summary(LongHistogram h, (double Sum, double Max) sum) =>
        h.TotalCount == 0
            ? new LatencySummary(0, 0, 0, 0, 0, 0)
            : new LatencySummary(h.TotalCount, sum.Sum / h.TotalCount, h.GetValueAtPercentile(50) / 1000.0, h.GetValueAtPercentile(95) / 1000.0, h.GetValueAtPercentile(99) / 1000.0, sum.Max);
}
