namespace FastAV.Live.Engine.Pruning;

/// <summary>Random global selection, the ablation baseline at equal FLOPs.</summary>
public sealed record RandomOptions
{
    /// <summary>Share of media tokens kept; 0.375 is FastAV's 750 of 2,000.</summary>
    public double KeepRatio { get; init; } = 0.375;

    public int Seed { get; init; } = 1234;

    public int? Layer { get; init; }
}
