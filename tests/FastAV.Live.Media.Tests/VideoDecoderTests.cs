namespace FastAV.Live.Media.Tests;

[Collection(MediaClipsCollection.Name)]
public sealed class VideoDecoderTests(MediaClips clips)
{
    // testsrc2 at odd/non-16-multiple sizes, 1 s; x264 with B-frames so decode order != presentation order.
    public static TheoryData<string, string, VideoCodec, int, int> Clips => new()
    {
        { "h264.mkv", "-f lavfi -i testsrc2=size=174x98:rate=25 -t 1 -c:v libx264 -preset ultrafast -bf 3 -g 12 -pix_fmt yuv420p", VideoCodec.H264, 174, 98 },
        { "h264.mp4", "-f lavfi -i testsrc2=size=160x90:rate=30 -t 1 -c:v libx264 -preset veryfast -bf 2 -g 15 -pix_fmt yuv420p", VideoCodec.H264, 160, 90 },
        { "hevc.mp4", "-f lavfi -i testsrc2=size=176x100:rate=25 -t 1 -c:v libx265 -x265-params log-level=none:bframes=2:keyint=12 -pix_fmt yuv420p", VideoCodec.HEVC, 176, 100 },
        { "mjpeg.mkv", "-f lavfi -i testsrc2=size=174x98:rate=15 -t 1 -vf scale=173:97 -c:v mjpeg -q:v 3 -pix_fmt yuvj420p", VideoCodec.JPEG, 173, 97 },
        { "rgb24.nut", "-f lavfi -i testsrc2=size=76x42:rate=10 -t 1 -vf scale=75:41 -c:v rawvideo -pix_fmt rgb24", VideoCodec.RAW_RGB24, 75, 41 },
        { "i420.nut", "-f lavfi -i testsrc2=size=76x42:rate=10 -t 1 -vf scale=75:41 -c:v rawvideo -pix_fmt yuv420p", VideoCodec.RAW_I420, 75, 41 },
        { "nv12.nut", "-f lavfi -i testsrc2=size=76x42:rate=10 -t 1 -c:v rawvideo -pix_fmt nv12", VideoCodec.NV12, 76, 42 },
    };

    [Theory]
    [MemberData(nameof(Clips))]
    public void DecodesLikeFfmpeg(string name, string args, VideoCodec codec, int width, int height)
    {
        var clip = clips.Make(name, args);
        var packets = MediaClips.ReadAll(clip).OfType<VideoPacket>().ToList();
        Assert.All(packets, p => Assert.Equal(codec, p.Codec));

        using var decoder = new VideoDecoder(codec);
        var frames = DecodeAll(decoder, packets);

        var reference = clips.ReferenceRgb(clip);
        var frameBytes = width * height * 3;
        Assert.Equal(reference.Length / frameBytes, frames.Count);
        Assert.Equal(frames.Count, decoder.Stats.FrameCount);
        Assert.Equal(0, decoder.Stats.CorruptPacketCount + decoder.Stats.RejectedPacketCount + decoder.Stats.DroppedAwaitingKeyframeCount);

        // Presentation order: pts strictly increasing and evenly spaced (B-frames reordered).
        var interval = (frames[^1].PtsMicroseconds - frames[0].PtsMicroseconds) / (double)(frames.Count - 1);
        for (var i = 0; i < frames.Count; i++)
        {
            Assert.Equal(width, frames[i].Width);
            Assert.Equal(height, frames[i].Height);
            Assert.InRange(frames[i].PtsMicroseconds - frames[0].PtsMicroseconds - (i * interval), -1500, 1500);
            var (mean, max) = Difference(frames[i].Rgb, reference.AsSpan(i * frameBytes, frameBytes));
            Assert.True(mean < 0.5 && max <= 2, $"{name} frame {i}: mean |diff| {mean:F3}, max {max}");
        }
    }

    [Fact]
    public void StartingOnANonKeyframeDropsUntilTheNextKeyframe()
    {
        var clip = clips.Make("h264-gop10.mkv", "-f lavfi -i testsrc2=size=96x64:rate=25 -t 2 -c:v libx264 -preset ultrafast -bf 0 -g 10 -keyint_min 10 -sc_threshold 0");
        var packets = MediaClips.ReadAll(clip).OfType<VideoPacket>().ToList();
        Assert.Equal(50, packets.Count);

        // Join 3 packets after the first keyframe, with the sender's keyframe flag cleared everywhere (we detect IDR ourselves).
        using var decoder = new VideoDecoder(VideoCodec.H264);
        var frames = DecodeAll(decoder, packets.Skip(3).Select(p => p with { IsKeyframe = false }));

        Assert.Equal(7, decoder.Stats.DroppedAwaitingKeyframeCount);
        Assert.Equal(40, frames.Count);
        Assert.Equal(packets[10].PtsMicroseconds, frames[0].PtsMicroseconds);
    }

    [Fact]
    public void ResolutionChangeMidStreamIsFollowed()
    {
        var small = clips.Make("h264-small.ts", "-f lavfi -i testsrc2=size=128x72:rate=10 -t 1 -c:v libx264 -preset ultrafast -bf 0");
        var large = clips.Make("h264-large.ts", "-f lavfi -i testsrc2=size=192x108:rate=10 -t 1 -c:v libx264 -preset ultrafast -bf 0");
        var first = MediaClips.ReadAll(small).OfType<VideoPacket>().ToList();
        var offset = first[^1].PtsMicroseconds + 100_000;
        var second = MediaClips.ReadAll(large).OfType<VideoPacket>().Select(p => p with { PtsMicroseconds = p.PtsMicroseconds + offset });

        using var decoder = new VideoDecoder(VideoCodec.H264);
        var frames = DecodeAll(decoder, first.Concat(second));

        Assert.Equal(20, frames.Count);
        Assert.All(frames.Take(10), f => Assert.Equal((128, 72), (f.Width, f.Height)));
        Assert.All(frames.Skip(10), f => Assert.Equal((192, 108), (f.Width, f.Height)));
        Assert.Equal(1, decoder.Stats.ResolutionChangeCount);
        var reference = clips.ReferenceRgb(large);
        var (mean, _) = Difference(frames[10].Rgb, reference.AsSpan(0, 192 * 108 * 3));
        Assert.True(mean < 0.5, $"first frame after the change: mean |diff| {mean:F3}");
    }

    internal static List<DecodedFrame> DecodeAll(VideoDecoder decoder, IEnumerable<VideoPacket> packets)
    {
        var frames = packets.SelectMany(decoder.Decode).ToList();
        frames.AddRange(decoder.Flush());
        return frames;
    }

    internal static (double Mean, int Max) Difference(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        Assert.Equal(b.Length, a.Length);
        long sum = 0;
        var max = 0;
        for (var i = 0; i < a.Length; i++)
        {
            var d = Math.Abs(a[i] - b[i]);
            sum += d;
            max = Math.Max(max, d);
        }

        return (sum / (double)a.Length, max);
    }
}
