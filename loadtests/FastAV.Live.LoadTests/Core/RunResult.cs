using FastAV.Live.LoadTests.Capacity;
using FastAV.Live.LoadTests.Stats;

namespace FastAV.Live.LoadTests;

/// <summary>
/// The outcome of a run (NBomber's NodeStats): every scenario's stats, the thresholds' results, why the run was
/// aborted if it was, the report files written, and — for the capacity scenario — the capacity search.
/// <see cref="ExitCode"/> is 0 only when no threshold failed and nothing aborted the run.
/// </summary>
public sealed record RunResult
{
    public required TestInfo TestInfo { get; init; }

    public required IReadOnlyList<ScenarioStats> ScenarioStats { get; init; }

    public required IReadOnlyList<ThresholdResult> Thresholds { get; init; }

    public required TimeSpan Duration { get; init; }

    public string? AbortReason { get; init; }

    public CapacityResult? Capacity { get; init; }

    public IReadOnlyList<string> ReportFiles { get; init; } = [];

    public long AllRequestCount => ScenarioStats.Sum(s => s.AllRequestCount + s.StepStats.Sum(t => t.AllRequestCount));

    public long AllOkCount => ScenarioStats.Sum(s => s.AllOkCount + s.StepStats.Sum(t => t.Ok.Request.Count));

    public long AllFailCount => ScenarioStats.Sum(s => s.AllFailCount + s.StepStats.Sum(t => t.Fail.Request.Count));

    public bool Passed => AbortReason is null && Thresholds.All(t => !t.IsFailed) && (Capacity?.Error is null);

    /// <summary>0 when every threshold held and the run was not aborted, else 1.</summary>
    public int ExitCode => Passed ? 0 : 1;

    public ScenarioStats Scenario(string name) =>
        ScenarioStats.FirstOrDefault(s => s.ScenarioName == name)
        ?? throw new KeyNotFoundException($"no scenario '{name}' (scenarios: {string.Join(", ", ScenarioStats.Select(s => s.ScenarioName))})");
}
