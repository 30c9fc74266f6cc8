using FastAV.Live.LoadTests.Streaming;

namespace FastAV.Live.LoadTests.Stats;

/// <summary>
/// One scenario's results (NBomber's ScenarioStats): its iterations ok and fail apart, its steps, its simulations,
/// the open-loop scheduler's lag (how late copies started against their schedule: latency is charged from the
/// schedule, so lag never hides in the numbers, but a large one says the generator is saturated), the streaming
/// metrics when its copies ran streams, and its time series for the plots.
/// </summary>
public sealed record ScenarioStats
{
    public required string ScenarioName { get; init; }

    public required MeasurementStats Ok { get; init; }

    public required MeasurementStats Fail { get; init; }

    public required IReadOnlyList<StepStats> StepStats { get; init; }

    public required IReadOnlyList<TimelineSegment> LoadSimulations { get; init; }

    public required TimeSpan Duration { get; init; }

    public int SortIndex { get; init; }

    public double SchedulerLagP99Ms { get; init; }

    public double SchedulerLagMaxMs { get; init; }

    public StreamingStats? Streaming { get; init; }

    public IReadOnlyList<IntervalPoint> Intervals { get; init; } = [];

    public IReadOnlyList<FleetPoint> Fleet { get; init; } = [];

    public long AllRequestCount => Ok.Request.Count + Fail.Request.Count;

    public long AllOkCount => Ok.Request.Count;

    public long AllFailCount => Fail.Request.Count;

    public long AllBytes => Ok.DataTransfer.AllBytes + Fail.DataTransfer.AllBytes;

    /// <summary>The step's stats; throws naming the steps there are when none has that name.</summary>
    public StepStats Step(string name) =>
        StepStats.FirstOrDefault(s => s.StepName == name)
        ?? throw new KeyNotFoundException($"scenario {ScenarioName} has no step '{name}' (steps: {string.Join(", ", StepStats.Select(s => s.StepName))})");
}
