using FastAV.Live.Engine;
using FastAV.Live.Engine.Running;
using FastAV.Live.Server.Observability;
using Contract = FastAV.Live.Contracts.V1;

namespace FastAV.Live.Server.Inference;

/// <summary>What the engine thread tells <see cref="LiveTelemetry"/>: steps, prefilled windows, answers and their tokens.</summary>
public sealed partial class EngineLoop
{
    private TimeSpan _lastStepDuration;

    /// <summary>Where engine events go for metrics, the dashboard and traces; null in tools that run the engine without a host.</summary>
    internal LiveTelemetry? Telemetry { get; }

    private EngineStep TimedStep()
    {
        var started = _time.GetTimestamp();
        var step = _engine.Step();
        _lastStepDuration = _time.GetElapsedTime(started);
        return step;
    }

    // Running: the pieces of work the step ran. Waiting: windows and questions queued for the engine, in sessions and inboxes.
    private void ObserveStep(EngineStep step)
    {
        if (Telemetry is null) return;
        var batch = step.Batch;
        var waiting = 0;
        foreach (var stream in _streams.Values) waiting += stream.Session.PendingWindowCount + stream.InboxCount;
        Telemetry.EngineStepped(batch.IsEmpty ? null : _lastStepDuration.TotalSeconds, batch.DecodeSteps.Count + batch.QuestionPrefills.Count + batch.WindowPrefills.Count, waiting);
    }

    private void ObservePrefill(EngineStream stream, long windowIndex, PrefillResult result, Engine.Cache.RollingKvCache cache)
    {
        if (Telemetry is null) return;
        long budget = 0;
        for (var l = 0; l < cache.LayerCount; l++) budget += cache.MaxBytes(l);
        stream.RecentWindows.TryGetValue(windowIndex, out var input);
        Telemetry.WindowPrefilled(stream.Id, stream.Plan.Policy, windowIndex, result.Flops, cache.TotalBytes, budget, input?.ReadyTimestamp ?? 0, input?.StartPtsUs ?? -1, input?.EndPtsUs ?? -1);
    }

    private void ObserveAnswer(EngineStream stream, Contract.Answer answer, string questionText, System.Diagnostics.ActivityContext trace, long startTimestamp) =>
        Telemetry?.Answered(stream.Id, answer, questionText, trace, startTimestamp);

    // Tokens after the first report: the time since the previous report, shared by the tokens it brought.
    private void ObserveTokens(PendingQuestion question, int newTokens)
    {
        var now = _time.GetTimestamp();
        if (question.LastTokenTimestamp != 0 && newTokens > 0) Telemetry?.TokensGenerated(newTokens, _time.GetElapsedTime(question.LastTokenTimestamp, now).TotalSeconds);
        question.LastTokenTimestamp = now;
    }
}
