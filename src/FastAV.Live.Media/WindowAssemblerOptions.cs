namespace FastAV.Live.Media;

/// <summary>Knobs of a <see cref="WindowAssembler"/>.</summary>
public sealed record WindowAssemblerOptions
{
    /// <summary>W: media seconds per window; W × AudioSampleRate must be a whole number of samples.</summary>
    public double WindowSeconds { get; init; } = 1.0;

    public int AudioSampleRate { get; init; } = 16000;

    /// <summary>A window is held this long (media time) past its end for late or reordered chunks.</summary>
    public double LatenessToleranceSeconds { get; init; } = 0.5;

    /// <summary>Data this far beyond the oldest open window is dropped (counted); bounds memory.</summary>
    public double MaxAheadSeconds { get; init; } = 10.0;

    /// <summary>Media time where window 0 starts; null = the first pts seen.</summary>
    public long? OriginMicroseconds { get; init; }

    public void Validate()
    {
        if (!double.IsFinite(WindowSeconds) || WindowSeconds is <= 0 or > 3600)
        {
            throw new ArgumentOutOfRangeException(nameof(WindowSeconds), WindowSeconds, "must be in (0, 3600]");
        }

        if (AudioSampleRate is < 1000 or > 192000)
        {
            throw new ArgumentOutOfRangeException(nameof(AudioSampleRate), AudioSampleRate, "must be in 1000..192000");
        }

        var samples = WindowSeconds * AudioSampleRate;
        if (Math.Abs(samples - Math.Round(samples)) > 1e-6)
        {
            throw new ArgumentOutOfRangeException(nameof(WindowSeconds), $"{WindowSeconds} s × {AudioSampleRate} Hz is not a whole number of samples");
        }

        if (LatenessToleranceSeconds < 0 || MaxAheadSeconds < WindowSeconds)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxAheadSeconds), "need LatenessToleranceSeconds >= 0 and MaxAheadSeconds >= WindowSeconds");
        }
    }
}
