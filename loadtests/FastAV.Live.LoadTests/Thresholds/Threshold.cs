using System.Runtime.CompilerServices;
using FastAV.Live.LoadTests.Stats;

namespace FastAV.Live.LoadTests;

/// <summary>
/// A pass/fail criterion over a scenario's or a step's stats (NBomber's Threshold). Checked during the run every
/// reporting interval once <see cref="StartCheckAfter"/> has passed (each failed check adds to its error count;
/// at <see cref="AbortWhenErrorCount"/> the test is aborted) and once more on the final stats. A threshold failed
/// when its final check failed or it aborted the run; the process exit code is non-zero when any threshold failed. In code the check's
/// own text becomes its expression; from the command line <see cref="ThresholdParser"/> reads NBomber's threshold
/// syntax ("OkLatency p95 &lt; 1000") plus the streaming metrics.
/// </summary>
public sealed class Threshold
{
    private readonly Func<ScenarioStats, bool> _check;

    internal Threshold(string? scenarioName, string? stepName, string expression, Func<ScenarioStats, bool> check, int? abortWhenErrorCount, TimeSpan? startCheckAfter)
    {
        if (abortWhenErrorCount is < 1) throw new ArgumentOutOfRangeException(nameof(abortWhenErrorCount), abortWhenErrorCount, "must be 1 or more (or null: never abort)");
        if (startCheckAfter is { } s && s < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(startCheckAfter), s, "must not be negative");
        ScenarioName = scenarioName;
        StepName = stepName;
        CheckExpression = expression;
        _check = check;
        AbortWhenErrorCount = abortWhenErrorCount;
        StartCheckAfter = startCheckAfter ?? TimeSpan.Zero;
    }

    /// <summary>The scenario it applies to; null = the scenario it is attached to, or every scenario when given to the runner.</summary>
    public string? ScenarioName { get; }

    /// <summary>The step it checks; null = the scenario's own stats.</summary>
    public string? StepName { get; }

    public string CheckExpression { get; }

    public int? AbortWhenErrorCount { get; }

    public TimeSpan StartCheckAfter { get; }

    public static Threshold Create(
        Func<ScenarioStats, bool> check,
        int? abortWhenErrorCount = null,
        TimeSpan? startCheckAfter = null,
        [CallerArgumentExpression(nameof(check))] string expression = "")
    {
        ArgumentNullException.ThrowIfNull(check);
        return new Threshold(null, null, expression, check, abortWhenErrorCount, startCheckAfter);
    }

    public static Threshold Create(
        string stepName,
        Func<StepStats, bool> check,
        int? abortWhenErrorCount = null,
        TimeSpan? startCheckAfter = null,
        [CallerArgumentExpression(nameof(check))] string expression = "")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(stepName);
        ArgumentNullException.ThrowIfNull(check);
        return new Threshold(null, stepName, expression, s => check(s.Step(stepName)), abortWhenErrorCount, startCheckAfter);
    }

    /// <summary>Runs the check; an exception (a missing step, no streams) is a failed check with its message.</summary>
    internal (bool Passed, string Error) Check(ScenarioStats stats)
    {
        try
        {
            return _check(stats) ? (true, "") : (false, "");
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return (false, e.Message);
        }
    }
}
