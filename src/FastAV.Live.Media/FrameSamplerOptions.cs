namespace FastAV.Live.Media;

/// <summary>Knobs of a <see cref="FrameSampler"/>.</summary>
public sealed record FrameSamplerOptions
{
    /// <summary>The model's frame rate: output ticks are 1/Fps apart in media time.</summary>
    public double Fps { get; init; } = 1.0;

    public void Validate()
    {
        if (!double.IsFinite(Fps) || Fps is <= 0 or > 240)
        {
            throw new ArgumentOutOfRangeException(nameof(Fps), Fps, "must be in (0, 240]");
        }
    }
}
