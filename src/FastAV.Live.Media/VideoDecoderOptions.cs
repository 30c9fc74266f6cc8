namespace FastAV.Live.Media;

/// <summary>Knobs of one stream's <see cref="VideoDecoder"/>.</summary>
public sealed record VideoDecoderOptions
{
    /// <summary>Pictures wider than this are rejected before any picture memory is allocated.</summary>
    public int MaxWidth { get; init; } = 4096;

    /// <summary>Pictures taller than this are rejected before any picture memory is allocated.</summary>
    public int MaxHeight { get; init; } = 2304;

    /// <summary>FFmpeg decoder threads per stream; 1 keeps latency lowest, 0 lets FFmpeg choose.</summary>
    public int Threads { get; init; } = 1;

    public void Validate()
    {
        if (MaxWidth is < 1 or > 16384 || MaxHeight is < 1 or > 16384)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxWidth), $"MaxWidth/MaxHeight {MaxWidth}x{MaxHeight} must be in 1..16384");
        }

        if (Threads is < 0 or > 64)
        {
            throw new ArgumentOutOfRangeException(nameof(Threads), $"Threads {Threads} must be in 0..64");
        }
    }
}
