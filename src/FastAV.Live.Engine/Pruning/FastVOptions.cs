namespace FastAV.Live.Engine.Pruning;

/// <summary>FastV: after layer K−1, drop the share R of media tokens with the lowest last-token attention.</summary>
public sealed record FastVOptions
{
    /// <summary>Layer K where the cut applies (scores come from layer K−1). FastV's default is 2.</summary>
    public int Layer { get; init; } = 2;

    /// <summary>Share R of media tokens dropped. FastV's default is 0.5.</summary>
    public double DropRatio { get; init; } = 0.5;
}
