namespace FastAV.Live.Engine.Pruning;

/// <summary>FastAV stage 2: at every layer after K, drop the bottom share of media tokens by the last query's attention.</summary>
public sealed record FinePrunerOptions
{
    /// <summary>P: share dropped per layer (20% is the paper's best).</summary>
    public double DropRatio { get; init; } = 0.2;
}
