using FastAV.Live.Engine.Cache;

namespace FastAV.Live.Server.Evaluation;

/// <summary>One cell of the streaming grid: an eviction policy at a per-layer token budget, with or without FastAV pruning.</summary>
public sealed record StreamingSetting
{
    /// <summary>streaming-llm, a2sf, paged or infinipot-v.</summary>
    public required string Eviction { get; init; }

    /// <summary>The pruning row of <see cref="PruningSweep"/> the runner carries: "none" or "fastav".</summary>
    public required string Pruning { get; init; }

    /// <summary>Tokens every layer may hold (the prompt included).</summary>
    public required int BudgetTokens { get; init; }

    /// <summary>The budget in words ("2 scenes", "max").</summary>
    public required string Budget { get; init; }

    /// <summary>A fresh policy of this setting (policies are options only, but every replay gets its own).</summary>
    public required Func<IEvictionPolicy> CreateEviction { get; init; }
}
