namespace FastAV.Live.Media;

/// <summary>Counters of one <see cref="AudioDecoder"/>; every chunk or sample that is not passed on as received is counted.</summary>
public sealed class AudioDecoderStats
{
    public long ChunkCount { get; internal set; }

    /// <summary>Chunks rejected before decoding: empty, wrong declared codec, too large, not whole PCM samples.</summary>
    public long RejectedChunkCount { get; internal set; }

    /// <summary>Coded frames inside chunks that the decoder could not decode (skipped).</summary>
    public long CorruptFrameCount { get; internal set; }

    public long GapCount { get; internal set; }

    /// <summary>Output samples of silence inserted for gaps.</summary>
    public long SilenceSampleCount { get; internal set; }

    public long OverlapCount { get; internal set; }

    /// <summary>Output samples dropped because their chunk overlapped audio already emitted.</summary>
    public long TrimmedSampleCount { get; internal set; }

    /// <summary>Jumps longer than MaxGapSeconds (either way) that re-anchored the timeline.</summary>
    public long TimelineResetCount { get; internal set; }

    public long OutputSampleCount { get; internal set; }
}
