namespace FastAV.Live.Engine.Scheduling;

/// <summary>How much one device step may carry and how far a stream may fall behind.</summary>
public sealed record SchedulerOptions
{
    /// <summary>Tokens per step over all work (token-level batching in the linear layers).</summary>
    public int MaxBatchTokens { get; init; } = 2048;

    /// <summary>Answers decoded together in one step.</summary>
    public int MaxDecodeSequences { get; init; } = 64;

    /// <summary>Media seconds a stream may have waiting; beyond it the oldest windows are dropped.</summary>
    public double MaxBacklogSeconds { get; init; } = 4.0;
}
