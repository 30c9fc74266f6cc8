namespace FastAV.Live.Media;

/// <summary>Knobs of one stream's <see cref="AudioDecoder"/>.</summary>
public sealed record AudioDecoderOptions
{
    /// <summary>Output rate of the mono float32 signal (Whisper-style encoders want 16 kHz).</summary>
    public int OutputSampleRate { get; init; } = 16000;

    /// <summary>Timestamp differences up to this are jitter, not gaps or overlaps.</summary>
    public double GapToleranceSeconds { get; init; } = 0.010;

    /// <summary>Gaps up to this become counted silence; a longer jump re-anchors the timeline (counted) instead of allocating hours of zeros.</summary>
    public double MaxGapSeconds { get; init; } = 10.0;

    /// <summary>A chunk longer than this (decoded) is rejected; bounds the native buffer.</summary>
    public double MaxChunkSeconds { get; init; } = 10.0;

    /// <summary>A chunk larger than this many bytes is rejected before decoding.</summary>
    public int MaxChunkBytes { get; init; } = 4 << 20;

    public void Validate()
    {
        if (OutputSampleRate is < 1000 or > 192000)
        {
            throw new ArgumentOutOfRangeException(nameof(OutputSampleRate), OutputSampleRate, "must be in 1000..192000");
        }

        if (GapToleranceSeconds < 0 || MaxGapSeconds < GapToleranceSeconds || MaxChunkSeconds <= 0 || MaxChunkBytes < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(GapToleranceSeconds), "need 0 <= GapToleranceSeconds <= MaxGapSeconds, MaxChunkSeconds > 0, MaxChunkBytes > 0");
        }
    }
}
