namespace FastAV.Live.Media;

/// <summary>Counters of one <see cref="VideoDecoder"/>; every input packet that yields no frame is counted in one of them.</summary>
public sealed class VideoDecoderStats
{
    public long PacketCount { get; internal set; }

    public long FrameCount { get; internal set; }

    /// <summary>Packets dropped while waiting for a keyframe (stream start or after an error).</summary>
    public long DroppedAwaitingKeyframeCount { get; internal set; }

    /// <summary>Packets the decoder refused (bitstream errors, truncated data, wrong codec).</summary>
    public long CorruptPacketCount { get; internal set; }

    /// <summary>Frames FFmpeg produced but marked as damaged; not passed on.</summary>
    public long CorruptFrameCount { get; internal set; }

    /// <summary>Packets rejected before decoding: empty, wrong declared codec, bad raw size or dimensions over the limit.</summary>
    public long RejectedPacketCount { get; internal set; }

    public long ResolutionChangeCount { get; internal set; }

    /// <summary>
    /// Packets sent while skipping non-reference pictures (<see cref="SampledFrameDecoder"/>, for pictures no sampler
    /// tick can take): each yields no frame if nothing refers to its picture, and is decoded as usual otherwise.
    /// </summary>
    public long SkipRequestedPacketCount { get; internal set; }
}
