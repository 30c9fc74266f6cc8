namespace FastAV.Live.Media;

/// <summary>Knobs of a <see cref="MediaSource"/>.</summary>
public sealed record MediaSourceOptions
{
    public MediaPacing Pacing { get; init; } = MediaPacing.AsFastAsPossible;

    /// <summary>Network read/connect timeout for URLs (rtsp, http, tcp).</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);

    public void Validate()
    {
        if (Timeout <= TimeSpan.Zero || Timeout > TimeSpan.FromHours(1))
        {
            throw new ArgumentOutOfRangeException(nameof(Timeout), Timeout, "must be in (0, 1 h]");
        }
    }
}
