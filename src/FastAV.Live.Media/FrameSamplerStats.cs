namespace FastAV.Live.Media;

/// <summary>Counters of a <see cref="FrameSampler"/>: input = selected once + selected again (duplicates) + never selected + late.</summary>
public sealed class FrameSamplerStats
{
    public long InputFrameCount { get; internal set; }

    public long OutputFrameCount { get; internal set; }

    /// <summary>Input frames no tick selected (input faster than the model's rate).</summary>
    public long DroppedFrameCount { get; internal set; }

    /// <summary>Output frames that repeat an input frame already emitted (input slower than the model's rate).</summary>
    public long DuplicatedFrameCount { get; internal set; }

    /// <summary>Input frames whose pts was not after the previous frame's (duplicates, reordering the decoder could not fix).</summary>
    public long LateFrameCount { get; internal set; }
}
