namespace FastAV.Live.Engine.Pruning;

/// <summary>Drop the media tokens the last query attends to least, at layer K.</summary>
public sealed record LowAttentiveOptions
{
    /// <summary>Share of media tokens kept.</summary>
    public double KeepRatio { get; init; } = 0.375;

    public int? Layer { get; init; }
}
