namespace FastAV.Live.Server.Inference;

/// <summary>A replayed stream: its answers in question order and the decoder work it took.</summary>
public sealed record ReplayResult
{
    public required IReadOnlyList<ReplayAnswer> Answers { get; init; }

    /// <summary>Multiply-accumulates of every window prefill and every question prefill and decode (FastV convention).</summary>
    public required double Flops { get; init; }

    /// <summary>The same prefills counted as if no token had been pruned inside them.</summary>
    public required double BaselineFlops { get; init; }

    /// <summary>KV bytes the stream's cache holds after its last window, over all layers.</summary>
    public required long KvBytes { get; init; }

    /// <summary>The most KV bytes the cache held after any window, over all layers (a bounded cache stays flat at its budget).</summary>
    public long MaxKvBytes { get; init; }

    /// <summary>Rows the eviction policy removed over the whole stream, summed over layers.</summary>
    public long EvictedRows { get; init; }

    /// <summary>Mean wall-clock milliseconds of one window prefill.</summary>
    public required double WindowPrefillMs { get; init; }
}
