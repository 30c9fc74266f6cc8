using System.Collections.Concurrent;

namespace FastAV.Live.LoadTests.Stats;

/// <summary>
/// A scenario's measurements: its iterations (the scenario's own ok/fail, NBomber's "global information") and each
/// step by name, in the order steps first appeared. Thread-safe.
/// </summary>
internal sealed class StatsCollector
{
    private readonly ConcurrentDictionary<string, StepAccumulator> _steps = new(StringComparer.Ordinal);
    private int _nextSortIndex;

    public StepAccumulator Scenario { get; } = new("", -1);

    /// <summary>Failed requests so far, iterations and steps together (what max fail count counts).</summary>
    public long FailCount => Scenario.FailCount + _steps.Values.Sum(s => s.FailCount);

    public void RecordIteration(Response response, double latencyMs) => Scenario.Record(response, latencyMs);

    public void RecordStep(string name, Response response, double latencyMs) =>
        _steps.GetOrAdd(name, n => new StepAccumulator(n, Interlocked.Increment(ref _nextSortIndex))).Record(response, latencyMs);

    public IReadOnlyList<StepStats> Steps(double durationSeconds) =>
        _steps.Values.OrderBy(s => s.SortIndex).Select(s => s.ToStats(durationSeconds)).ToList();

    public IEnumerable<IntervalPoint> TakeIntervals(TimeSpan at)
    {
        yield return Scenario.TakeInterval(at);
        foreach (var step in _steps.Values.OrderBy(s => s.SortIndex))
        {
            yield return step.TakeInterval(at);
        }
    }
}
