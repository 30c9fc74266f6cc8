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
    private bool _skippingNonReference;
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

    /// <summary>Decodes one packet; returns the frames it completed (zero or more, by pts), full size.</summary>
    public IReadOnlyList<DecodedFrame> Decode(VideoPacket packet)
    {
        var frames = new List<DecodedFrame>(1);
        DecodeHeld(packet, skipNonReference: false, h => ConvertFullSize(h, frames));
        return frames;
    }

    /// <summary>End of stream: returns the frames the decoder still holds (reordering delay, threads).</summary>
    public IReadOnlyList<DecodedFrame> Flush()
    {
        var frames = new List<DecodedFrame>();
        FlushHeld(h => ConvertFullSize(h, frames));
        return frames;
    }

    public void Dispose()
    {
        _decoder?.Dispose();
        _scaler?.Dispose();
    }

    /// <summary>
    /// Decodes one packet without converting what it completes: each frame goes to <paramref name="sink"/> as it comes
    /// out and stays held until <see cref="Convert"/> or <see cref="Release"/> (the decoder has 4 slots: release what
    /// the sink does not keep before it returns). <paramref name="skipNonReference"/> lets FFmpeg drop the packet's picture if no other
    /// picture refers to it (it then yields no frame; counted in <see cref="VideoDecoderStats.SkippedPacketCount"/>
    /// when the packet was not a reference picture). Raw pictures are checked now and converted later.
    /// </summary>
    internal void DecodeHeld(VideoPacket packet, bool skipNonReference, Action<HeldFrame> sink)
    {
        ArgumentNullException.ThrowIfNull(packet);
        Stats.PacketCount++;
        if (packet.Codec != Codec || packet.Data.Length == 0)
        {
            Stats.RejectedPacketCount++;
            return;
        }

        if (_decoder is null)
        {
            if (CheckRaw(packet)) sink(Emit(new HeldFrame(packet.Width, packet.Height, packet.PtsMicroseconds, -1, packet)));
            return;
        }

        if (_awaitingKeyframe && !packet.IsKeyframe && !KeyframeDetector.IsKeyframe(Codec, packet.Data))
        {
            Stats.DroppedAwaitingKeyframeCount++;
            return;
        }

        if (skipNonReference && Codec == VideoCodec.JPEG)
        {
            Stats.SkipRequestedPacketCount++; // every JPEG is a picture nothing refers to: skipping it is not decoding it
            return;
        }

        if (skipNonReference != _skippingNonReference)
        {
            MediaNative.VideoDecoderSetSkipNonReference(_decoder.Pointer, skipNonReference ? 1 : 0);
            _skippingNonReference = skipNonReference;
        }

        var r = MediaNative.VideoDecoderSend(_decoder.Pointer, packet.Data, packet.PtsMicroseconds);
        if (r < 0)
        {
            Stats.CorruptPacketCount++;
            _awaitingKeyframe = true;
            Drain(sink);
            return;
        }

        _awaitingKeyframe = false;
        if (skipNonReference)
        {
            Stats.SkipRequestedPacketCount++;
        }

        Drain(sink);
    }

    /// <summary>End of stream, held: the frames the decoder still has (reordering delay, threads).</summary>
    internal void FlushHeld(Action<HeldFrame> sink)
    {
        if (_decoder is null)
        {
            return;
        }

        if (_skippingNonReference)
        {
            MediaNative.VideoDecoderSetSkipNonReference(_decoder.Pointer, 0);
            _skippingNonReference = false;
        }

        if (MediaNative.VideoDecoderFlush(_decoder.Pointer) == MediaNative.Ok)
        {
            Drain(sink);
        }

        _awaitingKeyframe = true;
    }

    /// <summary>A held frame as packed RGB24 at width × height (one conversion: colour and size together); null if it fails (counted).</summary>
    internal DecodedFrame? Convert(HeldFrame frame, int width, int height)
    {
        if (frame.Released)
        {
            throw new InvalidOperationException("the frame was released");
        }

        var rgb = new byte[checked(width * height * 3)];
        int r;
        if (frame.Raw is { } raw)
        {
            if (raw.Codec == VideoCodec.RAW_RGB24 && width == raw.Width && height == raw.Height)
            {
                raw.Data.AsSpan().CopyTo(rgb); // the picture as sent, bit for bit
                return new DecodedFrame(width, height, frame.PtsMicroseconds, rgb);
            }

            r = MediaNative.ScalerConvert(Scaler(), (int)raw.Codec, raw.Width, raw.Height, raw.Data, width, height, rgb);
        }
        else
        {
            r = MediaNative.VideoDecoderConvert(_decoder!.Pointer, frame.Slot, width, height, rgb);
        }

        if (r != MediaNative.Ok)
        {
            if (frame.Raw is null) Stats.CorruptFrameCount++;
            else Stats.CorruptPacketCount++;
            return null;
        }

        return new DecodedFrame(width, height, frame.PtsMicroseconds, rgb);
    }

    /// <summary>Gives a held frame's picture back to the decoder.</summary>
    internal void Release(HeldFrame frame)
    {
        if (frame.Released) return;
        frame.Released = true;
        if (frame.Slot >= 0 && _decoder is not null && !_decoder.IsClosed)
        {
            MediaNative.VideoDecoderRelease(_decoder.Pointer, frame.Slot);
        }
    }

    private void ConvertFullSize(HeldFrame held, List<DecodedFrame> frames)
    {
        if (Convert(held, held.Width, held.Height) is { } frame) frames.Add(frame);
        Release(held);
    }

    private void Drain(Action<HeldFrame> sink)
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

            if (MediaNative.VideoDecoderHold(decoder, out var slot) != MediaNative.Ok)
            {
                // Every slot is held: the caller keeps too many frames (at most the sampler's previous and the current).
                throw MediaException.FromNative("holding a decoded frame", MediaNative.ErrorLimit);
            }

            sink(Emit(new HeldFrame(width, height, pts, slot, null)));
        }
    }

    private bool CheckRaw(VideoPacket packet)
    {
        int width = packet.Width, height = packet.Height;
        if (width < 1 || height < 1 || width > _options.MaxWidth || height > _options.MaxHeight)
        {
            Stats.RejectedPacketCount++;
            return false;
        }

        var chroma = (long)((width + 1) / 2) * ((height + 1) / 2);
        var expected = Codec == VideoCodec.RAW_RGB24 ? 3L * width * height : (long)width * height + (2 * chroma);
        if (packet.Data.Length != expected)
        {
            Stats.RejectedPacketCount++;
            return false;
        }

        return true;
    }

    private nint Scaler()
    {
        if (_scaler is null)
        {
            var r = MediaNative.ScalerOpen(out var s);
            if (r != MediaNative.Ok)
            {
                throw MediaException.FromNative("opening the pixel converter", r);
            }

            _scaler = new NativeHandle(s, MediaNative.ScalerClose);
        }

        return _scaler.Pointer;
    }

    private HeldFrame Emit(HeldFrame frame)
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
