namespace FastAV.Live.Engine.Cache;

/// <summary>InfiniPot-V: at the cap, drop temporally redundant rows and keep rows with large value norms.</summary>
public sealed record InfiniPotVOptions
{
    /// <summary>Share of the budget filled by the least temporally redundant rows; the rest by value norm.</summary>
    public double RedundancyShare { get; init; } = 0.5;
}
