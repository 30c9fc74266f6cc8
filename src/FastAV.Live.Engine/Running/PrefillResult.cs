using FastAV.Live.Engine.Flops;

namespace FastAV.Live.Engine.Running;

/// <summary>What one block's prefill did: tokens per layer, the scores pruning used, its FLOPs.</summary>
public sealed record PrefillResult
{
    /// <summary>Block-relative indices of the tokens that entered each layer, [layers][kept].</summary>
    public required IReadOnlyList<int[]> KeptPerLayer { get; init; }

    /// <summary>Last query's attention over the block's tokens at each layer (the block part of the row), [layers][kept].</summary>
    public required IReadOnlyList<float[]> BlockScores { get; init; }

    /// <summary>Logits of the block's last token, [vocab].</summary>
    public required float[] LastLogits { get; init; }

    public required FlopsReport Flops { get; init; }

    /// <summary>Rows evicted from the cache to make room for this block.</summary>
    public required int EvictedCount { get; init; }
}
