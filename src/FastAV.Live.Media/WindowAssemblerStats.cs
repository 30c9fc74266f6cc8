namespace FastAV.Live.Media;

/// <summary>Counters of a <see cref="WindowAssembler"/>; all input that does not land in an emitted window is counted here.</summary>
public sealed class WindowAssemblerStats
{
    public long WindowCount { get; internal set; }

    public long LateFrameCount { get; internal set; }

    public long EarlyFrameCount { get; internal set; }

    public long DuplicateFrameCount { get; internal set; }

    public long LateAudioSampleCount { get; internal set; }

    public long EarlyAudioSampleCount { get; internal set; }

    public long DuplicateAudioSampleCount { get; internal set; }

    /// <summary>Window slots with no frame and no audio at all; skipped rather than emitted.</summary>
    public long SkippedEmptyWindowCount { get; internal set; }
}
