namespace FastAV.Live.LoadTests.Capacity;

/// <summary>The search's knobs: where it starts, how far it may go, the criterion, how long a level runs, and when bisection stops.</summary>
public sealed record CapacityOptions
{
    /// <summary>First fleet size tried; sizes double from here until a level fails, then bisect.</summary>
    public int StartStreams { get; init; } = 4;

    public int MaxStreams { get; init; } = 256;

    /// <summary>A level holds when p95 standing-answer latency is under this (ms) and no window was dropped.</summary>
    public double LimitMs { get; init; } = 1000;

    public TimeSpan LevelDuration { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>Bisection stops when the failing and the holding size are this close, relative to the holding one (at least 1 stream).</summary>
    public double Resolution { get; init; } = 0.05;

    public void Validate()
    {
        if (StartStreams < 1) throw new ArgumentOutOfRangeException(nameof(StartStreams), StartStreams, "must be 1 or more");
        if (MaxStreams < StartStreams) throw new ArgumentOutOfRangeException(nameof(MaxStreams), MaxStreams, $"must be at least StartStreams ({StartStreams})");
        if (!(LimitMs > 0)) throw new ArgumentOutOfRangeException(nameof(LimitMs), LimitMs, "must be positive");
        if (LevelDuration <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(LevelDuration), LevelDuration, "must be positive");
        if (Resolution is < 0 or > 0.5) throw new ArgumentOutOfRangeException(nameof(Resolution), Resolution, "must be in [0, 0.5]");
    }
}
