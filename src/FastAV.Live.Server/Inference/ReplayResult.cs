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

    /// <summary>Mean wall-clock milliseconds of one window prefill.</summary>
    public required double WindowPrefillMs { get; init; }
}
