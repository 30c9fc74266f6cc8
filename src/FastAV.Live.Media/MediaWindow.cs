namespace FastAV.Live.Media;

/// <summary>
/// One window of media time [Start, End): the sampled frames in tick order and exactly
/// W × rate mono samples (zeros where no audio arrived; their number is <see cref="MissingAudioSampleCount"/>).
/// </summary>
public sealed record MediaWindow(
    long Index,
    long StartPtsMicroseconds,
    long EndPtsMicroseconds,
    IReadOnlyList<SampledFrame> Frames,
    float[] Audio,
    int MissingAudioSampleCount,
    bool IsPartial);
