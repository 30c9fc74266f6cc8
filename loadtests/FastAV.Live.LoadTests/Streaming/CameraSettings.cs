using Contract = FastAV.Live.Contracts.V1;

namespace FastAV.Live.LoadTests.Streaming;

/// <summary>How a camera stream is opened and fed.</summary>
public sealed record CameraSettings
{
    /// <summary>Pruning policy in StreamOpen (the capacity search alternates NONE and FASTAV).</summary>
    public Contract.PruningPolicy Policy { get; init; } = Contract.PruningPolicy.Fastav;

    /// <summary>Standing questions per stream, taken from the clip's questions (0–16).</summary>
    public int StandingQuestions { get; init; } = 2;

    /// <summary>Media time between two askings of a standing question, ms (the contract's 500–3,600,000).</summary>
    public int IntervalMs { get; init; } = 2000;

    /// <summary>Most answer tokens per asking.</summary>
    public int MaxTokens { get; init; } = 4;

    /// <summary>True: media time t is sent t after the stream opened, as a camera does; false: as fast as the server takes it.</summary>
    public bool RealTime { get; init; } = true;

    /// <summary>
    /// With <see cref="RealTime"/>: media time t is sent t / MediaSpeed after the stream opened (1 = real time; 0.5 =
    /// half speed, so the server is idle when each window completes — a latency probe; 4 = an accelerated soak pushes
    /// an hour of media in 15 minutes). In (0, 1000].
    /// </summary>
    public double MediaSpeed { get; init; } = 1.0;

    /// <summary>How long to wait for StreamAccepted.</summary>
    public TimeSpan OpenTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>How long to wait, after half-closing, for the final StreamStats and the end of the call (the server drains pending answers first).</summary>
    public TimeSpan CloseTimeout { get; init; } = TimeSpan.FromSeconds(40);

    public void Validate()
    {
        if (!Enum.IsDefined(Policy) || Policy == Contract.PruningPolicy.Unspecified) throw new ArgumentOutOfRangeException(nameof(Policy), Policy, "a PruningPolicy value other than UNSPECIFIED");
        if (StandingQuestions is < 0 or > 16) throw new ArgumentOutOfRangeException(nameof(StandingQuestions), StandingQuestions, "must be in [0, 16]");
        if (IntervalMs is < 500 or > 3_600_000) throw new ArgumentOutOfRangeException(nameof(IntervalMs), IntervalMs, "must be in [500, 3600000] ms");
        if (MaxTokens is < 1 or > 1024) throw new ArgumentOutOfRangeException(nameof(MaxTokens), MaxTokens, "must be in [1, 1024]");
        if (!(MediaSpeed > 0 && MediaSpeed <= 1000)) throw new ArgumentOutOfRangeException(nameof(MediaSpeed), MediaSpeed, "must be in (0, 1000]");
        if (OpenTimeout <= TimeSpan.Zero || CloseTimeout <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(OpenTimeout), "timeouts must be positive");
    }
}
