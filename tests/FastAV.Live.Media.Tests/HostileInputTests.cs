using System.Diagnostics;

namespace FastAV.Live.Media.Tests;

/// <summary>Random, truncated, mislabelled, oversized and fuzzed input: never a crash, every drop counted, then recovery.</summary>
[Collection(MediaClipsCollection.Name)]
public sealed class HostileInputTests(MediaClips clips)
{
    private const int FuzzedPackets = 10_000;

    public static TheoryData<VideoCodec> VideoCodecs => [VideoCodec.H264, VideoCodec.HEVC, VideoCodec.JPEG, VideoCodec.RAW_I420, VideoCodec.NV12, VideoCodec.RAW_RGB24];

    public static TheoryData<AudioCodec> AudioCodecs => [AudioCodec.PCM_S16LE, AudioCodec.PCM_F32LE, AudioCodec.AAC, AudioCodec.OPUS];

    [Theory]
    [MemberData(nameof(VideoCodecs))]
    public void FuzzedVideoPacketsNeverCrashAndTheStreamRecovers(VideoCodec codec)
    {
        var clean = VideoClip(codec);
        var rng = new Random((int)codec);
        using var decoder = new VideoDecoder(codec, new VideoDecoderOptions { MaxWidth = 640, MaxHeight = 480 });
        var clock = Stopwatch.StartNew();
        long produced = 0;
        for (var i = 0; i < FuzzedPackets; i++)
        {
            var source = clean[rng.Next(clean.Count)];
            produced += decoder.Decode(source with { Data = Mutate(source.Data, rng), PtsMicroseconds = i * 40_000L, IsKeyframe = rng.Next(4) == 0 }).Count;
        }

        produced += decoder.Flush().Count;
        var s = decoder.Stats;
        Assert.Equal(FuzzedPackets, s.PacketCount);
        Assert.Equal(produced, s.FrameCount);
        if (codec is not (VideoCodec.H264 or VideoCodec.HEVC))
        {
            // Intra-only codecs decode without delay: each packet is one frame or one counted drop.
            Assert.Equal(FuzzedPackets, s.FrameCount + s.CorruptPacketCount + s.CorruptFrameCount + s.RejectedPacketCount + s.DroppedAwaitingKeyframeCount);
        }
        else
        {
            Assert.True(s.CorruptPacketCount + s.CorruptFrameCount + s.DroppedAwaitingKeyframeCount > 0);
        }

        // The same decoder then decodes the clean clip completely (recovery at its first keyframe).
        var before = s.FrameCount;
        var offset = FuzzedPackets * 40_000L;
        var frames = VideoDecoderTests.DecodeAll(decoder, clean.Select(p => p with { PtsMicroseconds = p.PtsMicroseconds + offset }));
        Assert.Equal(clean.Count, frames.Count);
        Assert.Equal(before + clean.Count, s.FrameCount);
        Assert.True(clock.Elapsed < TimeSpan.FromMinutes(2), "diagnostic only: fuzzing is far slower than expected");
    }

    [Theory]
    [MemberData(nameof(AudioCodecs))]
    public void FuzzedAudioChunksNeverCrashAndTheStreamRecovers(AudioCodec codec)
    {
        var clean = AudioClip(codec);
        var rng = new Random(100 + (int)codec);
        using var decoder = new AudioDecoder(codec, clean[0].SampleRate, clean[0].Channels);
        var end = 0L;
        for (var i = 0; i < FuzzedPackets; i++)
        {
            var source = clean[rng.Next(clean.Count)];
            if (decoder.Decode(source with { Data = Mutate(source.Data, rng), PtsMicroseconds = i * 20_000L }) is { } block)
            {
                Assert.All(block.Samples, v => Assert.True(float.IsFinite(v)));
                end = block.EndPtsMicroseconds;
            }
        }

        Assert.Equal(FuzzedPackets, decoder.Stats.ChunkCount);
        Assert.True(decoder.Stats.RejectedChunkCount + decoder.Stats.CorruptFrameCount + decoder.Stats.GapCount + decoder.Stats.OverlapCount > 0);

        // Clean chunks decode again with the same decoder (a fresh decoder's output, apart from the resampler's history).
        var offset = end + 1_000_000 - clean[0].PtsMicroseconds; // one second after the last audio on the timeline
        var after = AudioDecoderTests.DecodeAll(decoder, clean.Select(p => p with { PtsMicroseconds = p.PtsMicroseconds + offset }));
        using var fresh = new AudioDecoder(codec, clean[0].SampleRate, clean[0].Channels);
        var expected = AudioDecoderTests.DecodeAll(fresh, clean);
        Assert.InRange(after.Length, expected.Length + 16000 - 400, expected.Length + 16000 + 400); // plus the 1 s gap as silence
        Assert.True(after.Max() > 0.05f);
    }

    [Fact]
    public void RandomBytesWrongCodecAndTruncatedNalUnitsAreCounted()
    {
        var rng = new Random(3);
        var h264 = VideoClip(VideoCodec.H264);
        var hevc = VideoClip(VideoCodec.HEVC);

        using var decoder = new VideoDecoder(VideoCodec.H264);
        for (var i = 0; i < 50; i++)
        {
            var junk = new byte[rng.Next(1, 5000)];
            rng.NextBytes(junk);
            decoder.Decode(new VideoPacket(VideoCodec.H264, junk, i, IsKeyframe: true));
        }

        Assert.Equal(0, decoder.Stats.FrameCount);
        decoder.Decode(new VideoPacket(VideoCodec.H264, [], 0, true));
        decoder.Decode(h264[0] with { Codec = VideoCodec.JPEG });
        Assert.Equal(2, decoder.Stats.RejectedPacketCount);

        // HEVC bytes declared as H.264: no IDR, nothing decodes.
        foreach (var p in hevc)
        {
            decoder.Decode(p with { Codec = VideoCodec.H264, IsKeyframe = false });
        }

        Assert.Equal(0, decoder.Stats.FrameCount);
        Assert.True(decoder.Stats.DroppedAwaitingKeyframeCount >= hevc.Count);

        // Truncated NAL units: every access unit cut short.
        var truncated = VideoDecoderTests.DecodeAll(decoder, h264.Select(p => p with { Data = p.Data[..(p.Data.Length / 2)] }));
        Assert.True(decoder.Stats.FrameCount == truncated.Count);
        Assert.True(decoder.Stats.CorruptPacketCount + decoder.Stats.CorruptFrameCount + decoder.Stats.DroppedAwaitingKeyframeCount > 0);
    }

    [Fact]
    public void AbsurdDimensionsAreRejectedBeforeAllocation()
    {
        using var raw = new VideoDecoder(VideoCodec.RAW_I420);
        Assert.Empty(raw.Decode(new VideoPacket(VideoCodec.RAW_I420, new byte[16], 0, true, 1_000_000, 1_000_000)));
        Assert.Empty(raw.Decode(new VideoPacket(VideoCodec.RAW_I420, new byte[16], 0, true, -5, 8)));
        Assert.Empty(raw.Decode(new VideoPacket(VideoCodec.RAW_I420, new byte[16], 0, true, 4, 4))); // 4x4 needs 24 bytes
        Assert.Equal(3, raw.Stats.RejectedPacketCount);

        // A JPEG whose SOF0 header claims 65500x65500: FFmpeg refuses it on the header (max_pixels) before allocating.
        var jpeg = VideoClip(VideoCodec.JPEG)[0].Data.ToArray();
        var sof = Enumerable.Range(0, jpeg.Length - 9).First(i => jpeg[i] == 0xFF && jpeg[i + 1] == 0xC0);
        jpeg[sof + 5] = 0xFF;
        jpeg[sof + 6] = 0xDC;
        jpeg[sof + 7] = 0xFF;
        jpeg[sof + 8] = 0xDC;
        using var mjpeg = new VideoDecoder(VideoCodec.JPEG);
        Assert.Empty(mjpeg.Decode(new VideoPacket(VideoCodec.JPEG, jpeg, 0, true)));
        Assert.Equal(1, mjpeg.Stats.CorruptPacketCount + mjpeg.Stats.RejectedPacketCount);

        // A valid 176x100 H.264 stream with a 128x96 limit: every frame refused, counted.
        using var limited = new VideoDecoder(VideoCodec.H264, new VideoDecoderOptions { MaxWidth = 128, MaxHeight = 96 });
        var frames = VideoDecoderTests.DecodeAll(limited, VideoClip(VideoCodec.H264));
        Assert.Empty(frames);
        Assert.True(limited.Stats.CorruptPacketCount + limited.Stats.RejectedPacketCount > 0);

        Assert.Throws<ArgumentOutOfRangeException>(() => new VideoDecoder(VideoCodec.H264, new VideoDecoderOptions { MaxWidth = 100_000 }));
        Assert.Throws<MediaException>(() => new AudioDecoder(AudioCodec.PCM_S16LE, 16000, 9));
        Assert.Throws<MediaException>(() => new AudioDecoder(AudioCodec.PCM_F32LE, 0, 1));
    }

    [Fact]
    public void BadPcmChunksAndHugeChunksAreRejected()
    {
        using var decoder = new AudioDecoder(AudioCodec.PCM_S16LE, 16000, 2);
        Assert.Null(decoder.Decode(new AudioPacket(AudioCodec.PCM_S16LE, new byte[6], 0, 16000, 2))); // 1.5 frames
        Assert.Null(decoder.Decode(new AudioPacket(AudioCodec.PCM_S16LE, new byte[16000 * 4 * 11], 0, 16000, 2))); // 11 s
        Assert.Null(decoder.Decode(new AudioPacket(AudioCodec.OPUS, new byte[8], 0, 16000, 2)));
        Assert.Equal(3, decoder.Stats.RejectedChunkCount);
        Assert.Equal(0, decoder.Stats.OutputSampleCount);
    }

    private List<VideoPacket> VideoClip(VideoCodec codec) => codec switch
    {
        VideoCodec.H264 => Packets<VideoPacket>("fuzz-h264.mkv", "-f lavfi -i testsrc2=size=176x100:rate=25 -t 1 -c:v libx264 -preset ultrafast -bf 2 -g 10"),
        VideoCodec.HEVC => Packets<VideoPacket>("fuzz-hevc.mkv", "-f lavfi -i testsrc2=size=176x100:rate=25 -t 1 -c:v libx265 -x265-params log-level=none:keyint=10"),
        VideoCodec.JPEG => Packets<VideoPacket>("fuzz-mjpeg.mkv", "-f lavfi -i testsrc2=size=176x100:rate=10 -t 1 -c:v mjpeg -pix_fmt yuvj420p"),
        VideoCodec.RAW_I420 => Packets<VideoPacket>("fuzz-i420.nut", "-f lavfi -i testsrc2=size=64x36:rate=10 -t 1 -c:v rawvideo -pix_fmt yuv420p"),
        VideoCodec.NV12 => Packets<VideoPacket>("fuzz-nv12.nut", "-f lavfi -i testsrc2=size=64x36:rate=10 -t 1 -c:v rawvideo -pix_fmt nv12"),
        _ => Packets<VideoPacket>("fuzz-rgb24.nut", "-f lavfi -i testsrc2=size=64x36:rate=10 -t 1 -c:v rawvideo -pix_fmt rgb24"),
    };

    private List<AudioPacket> AudioClip(AudioCodec codec) => codec switch
    {
        AudioCodec.PCM_S16LE => Packets<AudioPacket>("fuzz-s16.wav", "-f lavfi -i sine=frequency=440:sample_rate=22050 -t 1 -ac 2 -c:a pcm_s16le"),
        AudioCodec.PCM_F32LE => Packets<AudioPacket>("fuzz-f32.wav", "-f lavfi -i sine=frequency=440:sample_rate=48000 -t 1 -c:a pcm_f32le"),
        AudioCodec.AAC => Packets<AudioPacket>("fuzz-aac.aac", "-f lavfi -i sine=frequency=440:sample_rate=44100 -t 1 -c:a aac"),
        _ => Packets<AudioPacket>("fuzz-opus.ogg", "-f lavfi -i sine=frequency=440:sample_rate=48000 -t 1 -ac 2 -c:a libopus"),
    };

    private List<T> Packets<T>(string name, string args) => MediaClips.ReadAll(clips.Make(name, args)).OfType<T>().ToList();

    /// <summary>Bit flips, byte overwrites, truncation, extension or pure noise, chosen at random.</summary>
    private static byte[] Mutate(byte[] data, Random rng)
    {
        var d = data.ToArray();
        switch (rng.Next(5))
        {
            case 0:
                for (var k = 0; k < 1 + rng.Next(8); k++)
                {
                    var i = rng.Next(d.Length);
                    d[i] ^= (byte)(1 << rng.Next(8));
                }

                return d;
            case 1:
                for (var k = 0; k < 1 + rng.Next(32); k++)
                {
                    d[rng.Next(d.Length)] = (byte)rng.Next(256);
                }

                return d;
            case 2:
                return d[..rng.Next(d.Length + 1)];
            case 3:
                var longer = new byte[d.Length + rng.Next(1, 64)];
                d.CopyTo(longer, 0);
                rng.NextBytes(longer.AsSpan(d.Length));
                return longer;
            default:
                var noise = new byte[rng.Next(1, 2 * d.Length)];
                rng.NextBytes(noise);
                return noise;
        }
    }
}
