using FastAV.Live.Engine.Running;
using FastAV.Live.Engine.Scheduling;

namespace FastAV.Live.Engine;

/// <summary>What one LiveEngine step did.</summary>
public sealed record EngineStep
{
    public required ScheduledBatch Batch { get; init; }

    /// <summary>Answers completed in this step (their streams' caches are rolled back).</summary>
    public required IReadOnlyList<CompletedAnswer> Answers { get; init; }

    /// <summary>Windows prefilled in this step.</summary>
    public required IReadOnlyList<(string StreamId, long WindowIndex, PrefillResult Result)> Prefills { get; init; }

    /// <summary>Work that failed (stream or question id, message); the rest of the step went on.</summary>
    public required IReadOnlyList<(string Id, string Message)> Failures { get; init; }

    /// <summary>Forward passes the step took through the decoder: 1 when its work ran batched, 0 when there was none.</summary>
    public int ForwardPasses { get; init; }
}
