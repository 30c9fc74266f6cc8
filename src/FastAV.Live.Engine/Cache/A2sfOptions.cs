namespace FastAV.Live.Engine.Cache;

/// <summary>A2SF: accumulated attention with a forgetting factor, A ← α·A + S_new.</summary>
public sealed record A2sfOptions
{
    /// <summary>α: how much of the old score survives each window.</summary>
    public float ForgettingFactor { get; init; } = 0.9f;

    /// <summary>The most recent rows are kept regardless: they have had no time to gather attention.</summary>
    public int RecentKept { get; init; } = 16;
}
