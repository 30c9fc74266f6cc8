using HdrHistogram;

namespace FastAV.Live.LoadTests.Stats;

/// <summary>
/// Accumulates the ok or the fail half of one step: latency into an HdrHistogram in microseconds (1 µs to 1 h, 3
/// significant digits, so a percentile is within 0.1 % of the recorded value), exact count/min/max/mean/stddev
/// (Welford), NBomber's latency buckets, bytes, and status codes. Not thread-safe: its owner locks.
/// </summary>
internal sealed class MeasurementAccumulator
{
    internal const long MaxLatencyMicroseconds = 3_600_000_000;
    private const long MaxBytes = 1L << 40;

    private readonly LongHistogram _latency = new(MaxLatencyMicroseconds, 3);
    private readonly LongHistogram _bytes = new(MaxBytes, 2);
    private readonly Dictionary<string, (long Count, string Message)> _codes = new(StringComparer.Ordinal);
    private double _mean;
    private double _m2;
    private double _bytesMean;
    private double _bytesM2;
    private (long Min, long Max, int Count) _bytesMinMax;

    public long Count { get; private set; }

    public double MinMs { get; private set; } = double.NaN;

    public double MaxMs { get; private set; } = double.NaN;

    public long LessOrEq800 { get; private set; }

    public long More800Less1200 { get; private set; }

    public long MoreOrEq1200 { get; private set; }

    public long AllBytes { get; private set; }

    public void Record(double latencyMs, long bytes, string statusCode, string message)
    {
        latencyMs = double.IsFinite(latencyMs) ? Math.Max(0, latencyMs) : 0;
        bytes = Math.Max(0, bytes);
        Count++;
        var delta = latencyMs - _mean;
        _mean += delta / Count;
        _m2 += delta * (latencyMs - _mean);
        MinMs = Count == 1 ? latencyMs : Math.Min(MinMs, latencyMs);
        MaxMs = Count == 1 ? latencyMs : Math.Max(MaxMs, latencyMs);
        _latency.RecordValue(Math.Clamp((long)Math.Round(latencyMs * 1000), 0, MaxLatencyMicroseconds));
        if (latencyMs <= 800) LessOrEq800++;
        else if (latencyMs < 1200) More800Less1200++;
        else MoreOrEq1200++;

        var bytesDelta = bytes - _bytesMean;
        _bytesMean += bytesDelta / Count;
        _bytesM2 += bytesDelta * (bytes - _bytesMean);
        AllBytes += bytes;
        _bytes.RecordValue(Math.Min(bytes, MaxBytes));
        if (_bytesMinMax.Count == 0)
        {
            _bytesMinMax = (bytes, bytes, 1);
        }
        else
        {
            _bytesMinMax = (Math.Min(_bytesMinMax.Min, bytes), Math.Max(_bytesMinMax.Max, bytes), 1);
        }

        _codes[statusCode] = _codes.TryGetValue(statusCode, out var c) ? (c.Count + 1, c.Message) : (1, message);
    }

    /// <summary>The stats over <paramref name="durationSeconds"/>; percents are of <paramref name="allRequests"/> (ok + fail).</summary>
    public MeasurementStats ToStats(double durationSeconds, long allRequests, bool isError)
    {
        var rps = durationSeconds > 0 ? Count / durationSeconds : 0;
        var request = new RequestStats(Count, rps, Share(Count, allRequests));
        var latency = Count == 0
            ? new LatencyStats(0, 0, 0, 0, 0, 0, 0, 0, new LatencyCount(0, 0, 0))
            : new LatencyStats(
                MinMs, _mean, MaxMs,
                LatencyAt(50), LatencyAt(75), LatencyAt(95), LatencyAt(99),
                Math.Sqrt(_m2 / Count),
                new LatencyCount(LessOrEq800, More800Less1200, MoreOrEq1200));
        var data = Count == 0
            ? new DataTransferStats(0, 0, 0, 0, 0, 0, 0, 0, 0)
            : new DataTransferStats(
                _bytesMinMax.Min, (long)Math.Round(_bytesMean), _bytesMinMax.Max,
                _bytes.GetValueAtPercentile(50), _bytes.GetValueAtPercentile(75), _bytes.GetValueAtPercentile(95), _bytes.GetValueAtPercentile(99),
                Math.Sqrt(_bytesM2 / Count), AllBytes);
        var codes = _codes
            .OrderByDescending(c => c.Value.Count).ThenBy(c => c.Key, StringComparer.Ordinal)
            .Select(c => new StatusCodeStats(c.Key, isError, CodeMessage(c.Key, c.Value.Message), c.Value.Count, Share(c.Value.Count, allRequests)))
            .ToList();
        return new MeasurementStats(request, latency, data, codes);
    }

    /// <summary>A percentile in ms, HdrHistogram's: the sample of rank round(p·n) (at least 1), as the highest value its microsecond bucket holds.</summary>
    public double LatencyAt(double percentile) => Count == 0 ? 0 : _latency.GetValueAtPercentile(percentile) / 1000.0;

    internal static double Share(long part, long all) => all == 0 ? 0 : Math.Round(100.0 * part / all, 2);

    private static string CodeMessage(string code, string message)
    {
        var meaning = StatusCodes.Describe(code);
        return meaning.Length == 0 ? message : message.Length == 0 ? meaning : $"{meaning}: {message}";
    }
}
