namespace FastAV.Live.Engine.Pruning;

/// <summary>The calibrated positional rule: keep the first N media tokens of the block.</summary>
public sealed record KeepFirstOptions
{
    /// <summary>Media tokens kept, in timeline order (VideoLLaMA2: positions before ~750).</summary>
    public int MediaTokensKept { get; init; } = 750;

    /// <summary>Layer K; null is L/2.</summary>
    public int? Layer { get; init; }
}
