using FastAV.Live.LoadTests.Stats;

namespace FastAV.Live.LoadTests;

/// <summary>
/// A threshold bound to one scenario. Runtime checks count failures (and abort the run at the threshold's abort
/// count); whether the threshold failed is decided by the final check on the final stats, or by its abort — so a
/// "Count &gt; 0" is not failed by its first check before anything ran. A step that does not exist yet during the run
/// is not checked then.
/// </summary>
internal sealed class ThresholdState(Threshold threshold, string scenarioName)
{
    private int _errors;
    private int _checks;
    private string _error = "";
    private bool _finalFailed;
    private bool _aborted;

    public Threshold Threshold { get; } = threshold;

    public string ScenarioName { get; } = scenarioName;

    /// <summary>A check during the run; true when it made the threshold reach its abort count.</summary>
    public bool CheckRuntime(ScenarioStats stats)
    {
        if (Threshold.StepName is { } step && stats.StepStats.All(s => s.StepName != step)) return false;
        if (!Count(stats)) return false;
        _aborted = Threshold.AbortWhenErrorCount is { } abort && _errors >= abort;
        return _aborted;
    }

    /// <summary>The check on the final stats.</summary>
    public void CheckFinal(ScenarioStats stats) => _finalFailed = Count(stats);

    public ThresholdResult Result() =>
        new(ScenarioName, Threshold.StepName ?? "", Threshold.CheckExpression, _error, _errors, _checks, _finalFailed || _aborted);

    private bool Count(ScenarioStats stats)
    {
        var (passed, error) = Threshold.Check(stats);
        _checks++;
        if (passed) return false;
        _errors++;
        if (error.Length > 0) _error = error;
        return true;
    }
}
