namespace FastAV.Live.Engine.Sessions;

/// <summary>Token geometry of a stream's windows (defaults: a small model at 1 s windows).</summary>
public sealed record StreamSessionOptions
{
    public double WindowSeconds { get; init; } = 1.0;

    public int FramesPerWindow { get; init; } = 1;

    public int TokensPerFrame { get; init; } = 64;

    public int AudioTokensPerWindow { get; init; } = 25;

    /// <summary>Windows received but not yet prefilled beyond this many are refused (the scheduler drops well before).</summary>
    public int MaxPendingWindows { get; init; } = 1024;
}
