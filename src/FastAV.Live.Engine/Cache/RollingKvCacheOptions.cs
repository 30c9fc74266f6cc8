namespace FastAV.Live.Engine.Cache;

/// <summary>Shape, budgets and position limits of one stream's rolling cache.</summary>
public sealed record RollingKvCacheOptions
{
    public int LayerCount { get; init; } = 28;

    /// <summary>Bytes of keys + values of one token in one layer (Qwen2-7B bf16: 2 × 4 × 128 × 2 = 2,048).</summary>
    public long BytesPerTokenPerLayer { get; init; } = 2048;

    /// <summary>Budget of every layer unless LayerBudgets names one per layer.</summary>
    public KvBudget Budget { get; init; } = new();

    /// <summary>Optional per-layer budgets, [layers].</summary>
    public IReadOnlyList<KvBudget>? LayerBudgets { get; init; }

    /// <summary>The model's trained context: no position may reach it.</summary>
    public int MaxPositions { get; init; } = 32768;

    /// <summary>Largest block appended at once (a window's span before pruning).</summary>
    public int MaxBlockSpan { get; init; } = 4096;

    /// <summary>Extra rows freed whenever a layer must evict, so eviction runs every few windows instead of every one.</summary>
    public int EvictionHeadroom { get; init; }

    /// <summary>Positions kept free above the cache for a question and its answer.</summary>
    public int QuestionReserve { get; init; } = 512;
}
