using FastAV.Live.Engine.Pruning;

namespace FastAV.Live.Server.Evaluation;

/// <summary>One row of the evaluation: a policy (or "none"), its setting in words, and the pruning it puts into the runner.</summary>
public sealed record PruningSetting
{
    public required string Policy { get; init; }

    public required string Setting { get; init; }

    /// <summary>Policy at layer K (null: none).</summary>
    public IPruningPolicy? Global { get; init; }

    /// <summary>FastAV's stage 2 after K (null: none).</summary>
    public FinePruner? Fine { get; init; }

    /// <summary>A policy on the projected embeddings, before the LLM (null: none).</summary>
    public IPruningPolicy? BeforeLlm { get; init; }
}
