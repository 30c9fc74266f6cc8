using FastAV.Live.Media.Native;

namespace FastAV.Live.Media;

/// <summary>
/// Decodes one video stream to RGB24 frames in presentation order. Never throws on bad stream data:
/// every packet that yields nothing is counted in <see cref="Stats"/>. State is per stream and bounded
/// (one FFmpeg decoder context and its reference pictures).
/// </summary>
public sealed class VideoDecoder : IDisposable
{
    private readonly VideoDecoderOptions _options;
    private readonly NativeHandle? _decoder;
    private NativeHandle? _scaler;
    private bool _awaitingKeyframe = true;
    private int _lastWidth;
    private int _lastHeight;

    public VideoDecoder(VideoCodec codec, VideoDecoderOptions? options = null)
    {
        _options = options ?? new VideoDecoderOptions();
        _options.Validate();
        Codec = codec;
        switch (codec)
        {
            case VideoCodec.H264 or VideoCodec.HEVC or VideoCodec.JPEG:
                var r = MediaNative.VideoDecoderOpen((int)codec, _options.MaxWidth, _options.MaxHeight, _options.Threads, out var d);
                if (r != MediaNative.Ok)
                {
                    throw MediaException.FromNative($"opening the {codec} decoder", r);
                }

                _decoder = new NativeHandle(d, MediaNative.VideoDecoderClose);
                break;
            case VideoCodec.RAW_RGB24 or VideoCodec.RAW_I420 or VideoCodec.NV12:
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(codec), codec, "unsupported video codec");
        }
    }

    public VideoCodec Codec { get; }

    public VideoDecoderStats Stats { get; } = new();

    /// <summary>Decodes one packet; returns the frames it completed (zero or more, by pts).</summary>
    public IReadOnlyList<DecodedFrame> Decode(VideoPacket packet)
    {
        ArgumentNullException.ThrowIfNull(packet);
        Stats.PacketCount++;
        if (packet.Codec != Codec || packet.Data.Length == 0)
        {
            Stats.RejectedPacketCount++;
            return [];
        }

        if (_decoder is null)
        {
            var raw = ConvertRaw(packet);
            return raw is null ? [] : [Emit(raw)];
        }

        if (_awaitingKeyframe && !packet.IsKeyframe && !KeyframeDetector.IsKeyframe(Codec, packet.Data))
        {
            Stats.DroppedAwaitingKeyframeCount++;
            return [];
        }

        var r = MediaNative.VideoDecoderSend(_decoder.Pointer, packet.Data, packet.PtsMicroseconds);
        if (r < 0)
        {
            Stats.CorruptPacketCount++;
            _awaitingKeyframe = true;
            var lateFrames = new List<DecodedFrame>();
            Drain(lateFrames);
            return lateFrames;
        }

        _awaitingKeyframe = false;
        var frames = new List<DecodedFrame>(1);
        Drain(frames);
        return frames;
    }

    /// <summary>End of stream: returns the frames the decoder still holds (reordering delay, threads).</summary>
    public IReadOnlyList<DecodedFrame> Flush()
    {
        var frames = new List<DecodedFrame>();
        if (_decoder is null)
        {
            return frames;
        }

        if (MediaNative.VideoDecoderFlush(_decoder.Pointer) == MediaNative.Ok)
        {
            Drain(frames);
        }

        _awaitingKeyframe = true;
        return frames;
    }

    public void Dispose()
    {
        _decoder?.Dispose();
        _scaler?.Dispose();
    }

    private void Drain(List<DecodedFrame> frames)
    {
        var decoder = _decoder!.Pointer;
        while (true)
        {
            var r = MediaNative.VideoDecoderReceive(decoder, out var width, out var height, out var pts, out var flags);
            if (r is MediaNative.Again or MediaNative.Eof)
            {
                return;
            }

            if (r < 0)
            {
                if (r == MediaNative.ErrorLimit)
                {
                    Stats.RejectedPacketCount++;
                }
                else
                {
                    Stats.CorruptPacketCount++;
                }

                _awaitingKeyframe = true;
                continue;
            }

            if ((flags & MediaNative.FrameCorrupt) != 0)
            {
                Stats.CorruptFrameCount++;
                continue;
            }

            var rgb = new byte[checked(width * height * 3)];
            r = MediaNative.VideoDecoderCopyRgb(decoder, rgb);
            if (r < 0)
            {
                Stats.CorruptFrameCount++;
                continue;
            }

            frames.Add(Emit(new DecodedFrame(width, height, pts, rgb)));
        }
    }

    private DecodedFrame? ConvertRaw(VideoPacket packet)
    {
        int width = packet.Width, height = packet.Height;
        if (width < 1 || height < 1 || width > _options.MaxWidth || height > _options.MaxHeight)
        {
            Stats.RejectedPacketCount++;
            return null;
        }

        var chroma = (long)((width + 1) / 2) * ((height + 1) / 2);
        var expected = Codec == VideoCodec.RAW_RGB24 ? 3L * width * height : (long)width * height + (2 * chroma);
        if (packet.Data.Length != expected)
        {
            Stats.RejectedPacketCount++;
            return null;
        }

        if (Codec == VideoCodec.RAW_RGB24)
        {
            return new DecodedFrame(width, height, packet.PtsMicroseconds, (byte[])packet.Data.Clone());
        }

        if (_scaler is null)
        {
            var r = MediaNative.ScalerOpen(out var s);
            if (r != MediaNative.Ok)
            {
                throw MediaException.FromNative("opening the pixel converter", r);
            }

            _scaler = new NativeHandle(s, MediaNative.ScalerClose);
        }

        var rgb = new byte[width * height * 3];
        if (MediaNative.ScalerToRgb(_scaler.Pointer, (int)Codec, width, height, packet.Data, rgb) != MediaNative.Ok)
        {
            Stats.CorruptPacketCount++;
            return null;
        }

        return new DecodedFrame(width, height, packet.PtsMicroseconds, rgb);
    }

    private DecodedFrame Emit(DecodedFrame frame)
    {
        if (Stats.FrameCount > 0 && (frame.Width != _lastWidth || frame.Height != _lastHeight))
        {
            Stats.ResolutionChangeCount++;
        }

        _lastWidth = frame.Width;
        _lastHeight = frame.Height;
        Stats.FrameCount++;
        return frame;
    }
}
