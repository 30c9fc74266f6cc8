namespace FastAV.Live.Media.Tests;

/// <summary>
/// Ingest that decodes and converts only what the sampler keeps gives the frames of decoding everything and sampling
/// afterwards: the same ticks, the same source pictures, the same pixels bit for bit; and those pixels are ffmpeg's
/// own scale of the same pictures (within the conversion tolerance below).
/// </summary>
[Collection(MediaClipsCollection.Name)]
public sealed class SampledFrameDecoderTests(MediaClips clips)
{
    // 16:9 camera-like clips at 25-30 fps, sampled at 2 fps: H.264 with B-frames (b-pyramid: non-reference B-pictures),
    // HEVC with B-frames (TRAIL_N pictures), MJPEG (every picture independent).
    public static TheoryData<string, string, VideoCodec, int> Clips => new()
    {
        { "sample-h264.mkv", "-f lavfi -i testsrc2=size=320x180:rate=30 -t 4 -c:v libx264 -preset veryfast -bf 3 -g 60 -pix_fmt yuv420p", VideoCodec.H264, 1 },
        { "sample-h264.mkv", "-f lavfi -i testsrc2=size=320x180:rate=30 -t 4 -c:v libx264 -preset veryfast -bf 3 -g 60 -pix_fmt yuv420p", VideoCodec.H264, 2 },
        { "sample-hevc.mkv", "-f lavfi -i testsrc2=size=320x180:rate=25 -t 4 -c:v libx265 -x265-params log-level=none:bframes=3:keyint=50 -pix_fmt yuv420p", VideoCodec.HEVC, 1 },
        { "sample-mjpeg.mkv", "-f lavfi -i testsrc2=size=320x180:rate=25 -t 4 -c:v mjpeg -q:v 3 -pix_fmt yuvj420p", VideoCodec.JPEG, 1 },
    };

    private static readonly FrameFit Letterbox = new(64, 64, ResizeMode.Pad);

    [Theory]
    [MemberData(nameof(Clips))]
    public void SampledFramesEqualDecodingEverythingThenSampling(string name, string args, VideoCodec codec, int threads)
    {
        var clip = clips.Make(name, args);
        var packets = MediaClips.ReadAll(clip).OfType<VideoPacket>().ToList();
        var options = new SampledFrameDecoderOptions { Fps = 2, Fit = Letterbox, Decoder = new VideoDecoderOptions { Threads = threads } };

        using var lean = new SampledFrameDecoder(codec, options);
        using var everything = new SampledFrameDecoder(codec, options with { SkipUnsampledFrames = false });
        var sampled = DecodeAll(lean, packets);
        var reference = DecodeAll(everything, packets);

        // Same ticks, same source pictures, same pixels bit for bit.
        Assert.Equal(9, reference.Count); // 0 … 4 s: the last picture (3.97 s) also serves the 4 s tick
        Assert.Equal(reference.Select(s => (s.TickIndex, s.TickPtsMicroseconds, s.Frame.PtsMicroseconds)), sampled.Select(s => (s.TickIndex, s.TickPtsMicroseconds, s.Frame.PtsMicroseconds)));
        for (var i = 0; i < sampled.Count; i++)
        {
            Assert.Equal((64, 36), (sampled[i].Frame.Width, sampled[i].Frame.Height));
            Assert.True(reference[i].Frame.Rgb.AsSpan().SequenceEqual(sampled[i].Frame.Rgb), $"{name}: tick {i} differs");
        }

        // Work was skipped: pictures nothing refers to and no tick could take were never decoded.
        Assert.True(lean.DecoderStats.SkipRequestedPacketCount > packets.Count / 3, $"{name}: {lean.DecoderStats.SkipRequestedPacketCount} of {packets.Count} packets sent with skipping");
        Assert.True(lean.DecoderStats.FrameCount < everything.DecoderStats.FrameCount, $"{name}: decoded {lean.DecoderStats.FrameCount} vs {everything.DecoderStats.FrameCount}");
        Assert.Equal(packets.Count, everything.DecoderStats.FrameCount);
        Assert.Equal(0, lean.DecoderStats.CorruptPacketCount + lean.DecoderStats.CorruptFrameCount);

        // The plain path (full-size RGB of every frame, then FrameSampler) takes the same source pictures.
        using var plain = new VideoDecoder(codec);
        var sampler = new FrameSampler(new FrameSamplerOptions { Fps = 2 });
        var full = VideoDecoderTests.DecodeAll(plain, packets);
        var plainSampled = full.SelectMany(sampler.Push).ToList();
        plainSampled.AddRange(sampler.Flush());
        Assert.Equal(plainSampled.Select(s => (s.TickIndex, s.Frame.PtsMicroseconds)), sampled.Select(s => (s.TickIndex, s.Frame.PtsMicroseconds)));

        // The pixels are ffmpeg's own conversion and scale of those pictures, bit for bit: its scale filter with the same
        // swscale flags (bicubic) to the letterboxed size 64x36.
        var scaled = clips.ReferenceRgb(clip, "-vf scale=64:36:flags=bicubic");
        const int frameBytes = 64 * 36 * 3;
        Assert.Equal(full.Count, scaled.Length / frameBytes);
        foreach (var s in sampled)
        {
            var index = full.FindIndex(f => f.PtsMicroseconds == s.Frame.PtsMicroseconds);
            var (mean, max) = VideoDecoderTests.Difference(s.Frame.Rgb, scaled.AsSpan(index * frameBytes, frameBytes));
            Assert.True(max == 0, $"{name} frame {index}: mean |diff| {mean:F3}, max {max} against ffmpeg's scale");
        }
    }

    [Fact]
    public void SixteenByNineFramesAreLetterboxedIntoTheSquareInputWithNothingCut()
    {
        // A 64x36 picture whose first 8 columns are red and last 8 blue, sent raw (RGB24) at 10 fps.
        const int w = 64, h = 36;
        var rgb = new byte[w * h * 3];
        for (var y = 0; y < h; y++)
        {
            for (var x = 0; x < w; x++)
            {
                var o = ((y * w) + x) * 3;
                (rgb[o], rgb[o + 1], rgb[o + 2]) = x < 8 ? ((byte)255, (byte)0, (byte)0) : x >= w - 8 ? ((byte)0, (byte)0, (byte)255) : ((byte)128, (byte)128, (byte)128);
            }
        }

        var preprocessor = new ImagePreprocessor(new ImagePreprocessorOptions { Width = 32, Height = 32, Mode = ResizeMode.Pad, Mean = [0.5f, 0.5f, 0.5f], Std = [0.5f, 0.5f, 0.5f] });
        using var decoder = new SampledFrameDecoder(VideoCodec.RAW_RGB24, new SampledFrameDecoderOptions { Fps = 2, Fit = preprocessor.Fit });
        var sampled = Enumerable.Range(0, 10).SelectMany(i => decoder.Decode(new VideoPacket(VideoCodec.RAW_RGB24, rgb, i * 100_000L, true, w, h))).ToList();
        sampled.AddRange(decoder.Flush());
        Assert.Equal(3, sampled.Count); // ticks 0, 0.5 s, and 1 s (the 0.9 s picture at the flush)
        var frame = sampled[0].Frame;
        Assert.Equal((32, 18), (frame.Width, frame.Height)); // resized whole, aspect kept: the letterbox is the preprocessor's padding

        var pixels = preprocessor.Process([frame]); // [3, 32, 32]
        float At(int c, int y, int x) => pixels[(c * 32 * 32) + (y * 32) + x];
        for (var x = 0; x < 32; x++)
        {
            // 7 rows of padding above and below the 18 picture rows, at the mean colour (0 after normalisation).
            foreach (var y in new[] { 0, 6, 25, 31 })
            {
                Assert.Equal(0f, At(0, y, x));
            }
        }

        // Both sides survive: red at the left edge, blue at the right edge, in every picture row.
        for (var y = 7; y < 25; y++)
        {
            Assert.True(At(0, y, 0) > 0.9f && At(2, y, 0) < -0.9f, $"row {y}: left edge is not red");
            Assert.True(At(2, y, 31) > 0.9f && At(0, y, 31) < -0.9f, $"row {y}: right edge is not blue");
        }
    }

    [Fact]
    public void ADecoderThatOutputsNothingStillFlushesCleanly()
    {
        using var decoder = new SampledFrameDecoder(VideoCodec.H264, new SampledFrameDecoderOptions { Fps = 2, Fit = Letterbox });
        Assert.Empty(decoder.Decode(new VideoPacket(VideoCodec.H264, [0, 0, 1, 0x65, 1, 2, 3], 0, true)));
        Assert.Empty(decoder.Flush());
        Assert.Throws<ArgumentOutOfRangeException>(() => new SampledFrameDecoder(VideoCodec.H264, new SampledFrameDecoderOptions { Fps = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SampledFrameDecoder(VideoCodec.H264, new SampledFrameDecoderOptions { Fit = new FrameFit(0, 10, ResizeMode.Pad) }));
    }

    private static List<SampledFrame> DecodeAll(SampledFrameDecoder decoder, IEnumerable<VideoPacket> packets)
    {
        var frames = packets.SelectMany(decoder.Decode).ToList();
        frames.AddRange(decoder.Flush());
        return frames;
    }
}
