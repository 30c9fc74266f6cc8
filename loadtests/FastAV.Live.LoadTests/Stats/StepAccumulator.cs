using HdrHistogram;

namespace FastAV.Live.LoadTests.Stats;

/// <summary>One step's (or the scenario's own) ok and fail halves, plus the current reporting interval's own histogram for the plots.</summary>
internal sealed class StepAccumulator(string name, int sortIndex)
{
    private readonly object _gate = new();
    private readonly MeasurementAccumulator _ok = new();
    private readonly MeasurementAccumulator _fail = new();
    private LongHistogram _interval = new(MeasurementAccumulator.MaxLatencyMicroseconds, 2);
    private long _intervalOk;
    private long _intervalFail;

    public string Name { get; } = name;

    public int SortIndex { get; } = sortIndex;

    public long FailCount
    {
        get
        {
            lock (_gate)
            {
                return _fail.Count;
            }
        }
    }

    public void Record(Response response, double latencyMs)
    {
        lock (_gate)
        {
            (response.IsError ? _fail : _ok).Record(latencyMs, response.SizeBytes, response.StatusCode, response.Message);
            if (response.IsError)
            {
                _intervalFail++;
            }
            else
            {
                _intervalOk++;
                _interval.RecordValue(Math.Clamp((long)Math.Round(latencyMs * 1000), 0, MeasurementAccumulator.MaxLatencyMicroseconds));
            }
        }
    }

    public StepStats ToStats(double durationSeconds)
    {
        lock (_gate)
        {
            var all = _ok.Count + _fail.Count;
            return new StepStats(Name, _ok.ToStats(durationSeconds, all, false), _fail.ToStats(durationSeconds, all, true), SortIndex);
        }
    }

    /// <summary>The interval since the last call: counts and ok latency percentiles (NaN when no ok request).</summary>
    public IntervalPoint TakeInterval(TimeSpan at)
    {
        lock (_gate)
        {
            var h = _interval;
            var point = h.TotalCount == 0
                ? new IntervalPoint(at, Name, _intervalOk, _intervalFail, double.NaN, double.NaN, double.NaN)
                : new IntervalPoint(at, Name, _intervalOk, _intervalFail, h.GetValueAtPercentile(50) / 1000.0, h.GetValueAtPercentile(95) / 1000.0, h.GetValueAtPercentile(99) / 1000.0);
            _interval = new LongHistogram(MeasurementAccumulator.MaxLatencyMicroseconds, 2);
            _intervalOk = 0;
            _intervalFail = 0;
            return point;
        }
    }
}
