namespace FastAV.Live.Engine.Pruning;

/// <summary>TransPrune: progressive pruning by token transition variation, no attention map.</summary>
public sealed record TransPruneOptions
{
    /// <summary>Share of media tokens kept at this cut.</summary>
    public double KeepRatio { get; init; } = 0.5;

    public int? Layer { get; init; }
}
