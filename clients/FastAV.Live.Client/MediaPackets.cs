using FastAV.Live.Media;
using Google.Protobuf;
using Contract = FastAV.Live.Contracts.V1;

namespace FastAV.Live.Client;

/// <summary>
/// Turns <see cref="MediaSource"/>'s packet records into the contract's VideoFrame / AudioChunk. Codecs
/// map by name (the Media enum's numbers are the shim's, not the contract's). Media time: the first pts
/// seen on either track becomes 0, so a source whose clock starts anywhere (MPEG-TS at 1.4 s, RTSP at
/// an arbitrary wall clock) streams from 0 as the contract asks (pts ≥ 0); a packet before that origin
/// (the other track starting a little earlier) is sent at 0, and a packet without pts at its track's
/// previous pts. One instance per stream: it holds the origin.
/// </summary>
public sealed class MediaPackets
{
    private long? _origin;
    private long _lastVideoUs;
    private long _lastAudioUs;

    /// <summary>The source pts that became media time 0, once a packet with a pts was converted.</summary>
    public long? OriginMicroseconds => _origin;

    /// <summary>Packets whose pts fell before the origin and were sent at 0.</summary>
    public long ClampedCount { get; private set; }

    /// <summary>Packets that had no pts and were sent at their track's previous pts.</summary>
    public long MissingPtsCount { get; private set; }

    /// <summary>A video frame or audio chunk request for the packet.</summary>
    public Contract.StreamRequest ToRequest(MediaPacket packet) => packet switch
    {
        VideoPacket video => new Contract.StreamRequest { Video = ToVideoFrame(video) },
        AudioPacket audio => new Contract.StreamRequest { Audio = ToAudioChunk(audio) },
        null => throw new ArgumentNullException(nameof(packet)),
        _ => throw new ArgumentException($"unknown packet type {packet.GetType().Name}", nameof(packet)),
    };

    public Contract.VideoFrame ToVideoFrame(VideoPacket packet)
    {
        ArgumentNullException.ThrowIfNull(packet);
        var codec = ToContract(packet.Codec);
        CheckPayload(packet);
        _lastVideoUs = MediaTime(packet.PtsMicroseconds, _lastVideoUs);
        var frame = new Contract.VideoFrame
        {
            PtsUs = _lastVideoUs,
            Data = ByteString.CopyFrom(packet.Data),
            Keyframe = packet.IsKeyframe,
        };
        if (IsRaw(codec))
        {
            // Raw frames carry their size; compressed codecs carry it in the bitstream.
            frame.Width = (uint)Math.Max(0, packet.Width);
            frame.Height = (uint)Math.Max(0, packet.Height);
        }

        return frame;
    }

    public Contract.AudioChunk ToAudioChunk(AudioPacket packet)
    {
        ArgumentNullException.ThrowIfNull(packet);
        ToContract(packet.Codec);
        CheckPayload(packet);
        _lastAudioUs = MediaTime(packet.PtsMicroseconds, _lastAudioUs);
        return new Contract.AudioChunk { PtsUs = _lastAudioUs, Data = ByteString.CopyFrom(packet.Data) };
    }

    /// <summary>The StreamOpen video track for a source; null when it has no (supported) video.</summary>
    public static Contract.VideoFormat? VideoFormat(MediaStreamInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        if (info.VideoCodec == VideoCodec.Unspecified)
        {
            return null;
        }

        var fps = double.IsFinite(info.FramesPerSecond) ? Math.Clamp(info.FramesPerSecond, 0, 240) : 0;
        return new Contract.VideoFormat
        {
            Codec = ToContract(info.VideoCodec),
            Width = (uint)Math.Max(0, info.Width),
            Height = (uint)Math.Max(0, info.Height),
            FrameRate = (float)fps,
        };
    }

    /// <summary>The StreamOpen audio track for a source; null when it has no (supported) audio.</summary>
    public static Contract.AudioFormat? AudioFormat(MediaStreamInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        return info.AudioCodec == AudioCodec.Unspecified
            ? null
            : new Contract.AudioFormat
            {
                Codec = ToContract(info.AudioCodec),
                SampleRateHz = (uint)Math.Max(0, info.SampleRate),
                Channels = (uint)Math.Max(0, info.Channels),
            };
    }

    public static Contract.VideoCodec ToContract(VideoCodec codec) => codec switch
    {
        VideoCodec.RAW_RGB24 => Contract.VideoCodec.RawRgb24,
        VideoCodec.RAW_I420 => Contract.VideoCodec.RawI420,
        VideoCodec.NV12 => Contract.VideoCodec.RawNv12,
        VideoCodec.JPEG => Contract.VideoCodec.Jpeg,
        VideoCodec.H264 => Contract.VideoCodec.H264,
        VideoCodec.HEVC => Contract.VideoCodec.Hevc,
        _ => throw new ArgumentOutOfRangeException(nameof(codec), codec, "no contract video codec for this value"),
    };

    public static Contract.AudioCodec ToContract(AudioCodec codec) => codec switch
    {
        AudioCodec.PCM_S16LE => Contract.AudioCodec.PcmS16Le,
        AudioCodec.PCM_F32LE => Contract.AudioCodec.PcmF32Le,
        AudioCodec.AAC => Contract.AudioCodec.AacAdts,
        AudioCodec.OPUS => Contract.AudioCodec.Opus,
        _ => throw new ArgumentOutOfRangeException(nameof(codec), codec, "no contract audio codec for this value"),
    };

    private static bool IsRaw(Contract.VideoCodec codec) =>
        codec is Contract.VideoCodec.RawRgb24 or Contract.VideoCodec.RawI420 or Contract.VideoCodec.RawNv12;

    private static void CheckPayload(MediaPacket packet)
    {
        if (packet.Data is null)
        {
            throw new ArgumentException("packet data is null", nameof(packet));
        }
    }

    private long MediaTime(long pts, long previous)
    {
        // MediaSource reports a packet without pts as long.MinValue (AV_NOPTS_VALUE).
        if (pts == long.MinValue)
        {
            MissingPtsCount++;
            return previous;
        }

        _origin ??= pts;
        var time = (Int128)pts - _origin.Value;
        if (time < 0)
        {
            ClampedCount++;
            return 0;
        }

        return time > long.MaxValue ? long.MaxValue : (long)time;
    }
}
