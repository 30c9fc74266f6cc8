namespace FastAV.Live.Media;

/// <summary>Knobs of a <see cref="SampledFrameDecoder"/>.</summary>
public sealed record SampledFrameDecoderOptions
{
    public VideoDecoderOptions Decoder { get; init; } = new();

    /// <summary>The model's frame rate (the sampler's ticks).</summary>
    public double Fps { get; init; } = 1.0;

    /// <summary>How sampled frames fit the model's input: they come out at <see cref="FrameFit.Resized"/> size; null = the decoded size.</summary>
    public FrameFit? Fit { get; init; }

    /// <summary>
    /// Skip the decoding of non-reference pictures (H.264/HEVC) and of JPEGs that no tick can take: those more than
    /// twice the input's median frame spacing away from every tick. Default true.
    /// </summary>
    public bool SkipUnsampledFrames { get; init; } = true;

    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(Decoder);
        Decoder.Validate();
        new FrameSamplerOptions { Fps = Fps }.Validate();
        if (Fit is { } fit && (fit.Width is < 1 or > 4096 || fit.Height is < 1 or > 4096))
        {
            throw new ArgumentOutOfRangeException(nameof(Fit), $"{fit.Width}x{fit.Height} must be within 1..4096");
        }
    }
}
