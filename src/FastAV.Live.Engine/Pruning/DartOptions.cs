namespace FastAV.Live.Engine.Pruning;

/// <summary>DART: duplication-aware selection from key vectors, no attention map.</summary>
public sealed record DartOptions
{
    public double KeepRatio { get; init; } = 0.375;

    /// <summary>Pivot tokens: the media tokens with the largest key L1 norms.</summary>
    public int PivotCount { get; init; } = 8;

    /// <summary>DART cuts early (layer 2 in its paper); null is L/2.</summary>
    public int? Layer { get; init; } = 2;
}
