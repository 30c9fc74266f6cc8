using FastAV.Live.Media;
using Contract = FastAV.Live.Contracts.V1;

namespace FastAV.Live.Client.Tests;

/// <summary>MediaPackets: codec mapping by name, pts → media time, raw frame sizes, hostile packets.</summary>
public sealed class MediaPacketsTests
{
    [Theory]
    [InlineData(VideoCodec.RAW_RGB24, Contract.VideoCodec.RawRgb24)]
    [InlineData(VideoCodec.RAW_I420, Contract.VideoCodec.RawI420)]
    [InlineData(VideoCodec.NV12, Contract.VideoCodec.RawNv12)]
    [InlineData(VideoCodec.JPEG, Contract.VideoCodec.Jpeg)]
    [InlineData(VideoCodec.H264, Contract.VideoCodec.H264)]
    [InlineData(VideoCodec.HEVC, Contract.VideoCodec.Hevc)]
    public void Video_codecs_map_by_name_not_number(VideoCodec media, Contract.VideoCodec contract) =>
        Assert.Equal(contract, MediaPackets.ToContract(media));

    [Theory]
    [InlineData(AudioCodec.PCM_S16LE, Contract.AudioCodec.PcmS16Le)]
    [InlineData(AudioCodec.PCM_F32LE, Contract.AudioCodec.PcmF32Le)]
    [InlineData(AudioCodec.AAC, Contract.AudioCodec.AacAdts)]
    [InlineData(AudioCodec.OPUS, Contract.AudioCodec.Opus)]
    public void Audio_codecs_map_by_name_not_number(AudioCodec media, Contract.AudioCodec contract) =>
        Assert.Equal(contract, MediaPackets.ToContract(media));

    [Fact]
    public void Every_media_codec_value_maps_or_is_refused_clearly()
    {
        foreach (var codec in Enum.GetValues<VideoCodec>().Where(c => c != VideoCodec.Unspecified))
        {
            Assert.NotEqual(Contract.VideoCodec.Unspecified, MediaPackets.ToContract(codec));
        }

        Assert.Throws<ArgumentOutOfRangeException>(() => MediaPackets.ToContract(VideoCodec.Unspecified));
        Assert.Throws<ArgumentOutOfRangeException>(() => MediaPackets.ToContract((VideoCodec)77));
        Assert.Throws<ArgumentOutOfRangeException>(() => MediaPackets.ToContract((AudioCodec)(-1)));
    }

    [Fact]
    public void The_first_pts_becomes_zero_earlier_packets_clamp_and_missing_pts_repeat_the_track()
    {
        var packets = new MediaPackets();
        var v0 = packets.ToVideoFrame(new VideoPacket(VideoCodec.H264, [0, 0, 1, 0x65], 1_400_000, true));
        var a0 = packets.ToAudioChunk(new AudioPacket(AudioCodec.AAC, [0xFF, 0xF1], 1_390_000, 16000, 1));
        var v1 = packets.ToVideoFrame(new VideoPacket(VideoCodec.H264, [0, 0, 1, 0x41], 1_500_000, false));
        var v2 = packets.ToVideoFrame(new VideoPacket(VideoCodec.H264, [0, 0, 1, 0x41], long.MinValue, false));
        var a1 = packets.ToAudioChunk(new AudioPacket(AudioCodec.AAC, [0xFF, 0xF1], 1_464_000, 16000, 1));

        Assert.Equal([0L, 100_000L, 100_000L], new[] { v0.PtsUs, v1.PtsUs, v2.PtsUs });
        Assert.Equal([0L, 64_000L], new[] { a0.PtsUs, a1.PtsUs });
        Assert.Equal(1_400_000L, packets.OriginMicroseconds);
        Assert.Equal(1, packets.ClampedCount);
        Assert.Equal(1, packets.MissingPtsCount);
        Assert.True(v0.Keyframe);
        Assert.False(v1.Keyframe);
        Assert.Equal([0, 0, 1, 0x65], v0.Data.ToByteArray());
        // Compressed frames leave the size to the bitstream; the track's codec applies (0 = the track's).
        Assert.Equal(0U, v0.Width);
        Assert.Equal(Contract.VideoCodec.Unspecified, v0.Codec);
    }

    [Fact]
    public void Extreme_pts_saturate_instead_of_overflowing()
    {
        var packets = new MediaPackets();
        packets.ToVideoFrame(new VideoPacket(VideoCodec.JPEG, [0xFF, 0xD8], long.MinValue + 1, true));
        var late = packets.ToVideoFrame(new VideoPacket(VideoCodec.JPEG, [0xFF, 0xD8], long.MaxValue, true));
        Assert.Equal(long.MaxValue, late.PtsUs);
    }

    [Fact]
    public void Raw_frames_carry_their_size_and_requests_carry_the_right_kind()
    {
        var packets = new MediaPackets();
        var raw = packets.ToRequest(new VideoPacket(VideoCodec.RAW_RGB24, new byte[4 * 2 * 3], 0, true, 4, 2));
        Assert.Equal(Contract.StreamRequest.KindOneofCase.Video, raw.KindCase);
        Assert.Equal((4U, 2U), (raw.Video.Width, raw.Video.Height));
        Assert.Equal(24, raw.Video.Data.Length);
        var audio = packets.ToRequest(new AudioPacket(AudioCodec.PCM_S16LE, new byte[320], 10_000, 16000, 1));
        Assert.Equal(Contract.StreamRequest.KindOneofCase.Audio, audio.KindCase);
        Assert.Equal(10_000L, audio.Audio.PtsUs);
    }

    [Fact]
    public void Hostile_packets_are_refused_with_argument_errors()
    {
        var packets = new MediaPackets();
        Assert.Throws<ArgumentNullException>(() => packets.ToRequest(null!));
        Assert.Throws<ArgumentException>(() => packets.ToVideoFrame(new VideoPacket(VideoCodec.H264, null!, 0, true)));
        Assert.Throws<ArgumentOutOfRangeException>(() => packets.ToVideoFrame(new VideoPacket(VideoCodec.Unspecified, [1], 0, true)));
        Assert.Throws<ArgumentOutOfRangeException>(() => packets.ToAudioChunk(new AudioPacket((AudioCodec)9, [1], 0, 16000, 1)));
        Assert.Null(packets.OriginMicroseconds);
    }

    [Fact]
    public void Track_formats_come_from_the_source_info_with_out_of_range_rates_clamped()
    {
        var info = new MediaStreamInfo(VideoCodec.H264, 1920, 1080, double.NaN, AudioCodec.OPUS, 48000, 2);
        var video = MediaPackets.VideoFormat(info)!;
        Assert.Equal((Contract.VideoCodec.H264, 1920U, 1080U, 0f), (video.Codec, video.Width, video.Height, video.FrameRate));
        var audio = MediaPackets.AudioFormat(info)!;
        Assert.Equal((Contract.AudioCodec.Opus, 48000U, 2U), (audio.Codec, audio.SampleRateHz, audio.Channels));
        Assert.Equal(240f, MediaPackets.VideoFormat(info with { FramesPerSecond = 1e6 })!.FrameRate);
        Assert.Null(MediaPackets.VideoFormat(info with { VideoCodec = VideoCodec.Unspecified }));
        Assert.Null(MediaPackets.AudioFormat(info with { AudioCodec = AudioCodec.Unspecified }));
    }

    [Fact]
    public void The_clip_from_ffmpeg_converts_to_an_annex_b_keyframe_first_and_adts_audio()
    {
        using var source = MediaSource.Open(TestClips.Clip);
        var packets = new MediaPackets();
        var requests = new List<Contract.StreamRequest>();
        while (source.ReadPacket() is { } packet)
        {
            requests.Add(packets.ToRequest(packet));
        }

        var video = requests.Where(r => r.Video is not null).Select(r => r.Video).ToList();
        var audio = requests.Where(r => r.Audio is not null).Select(r => r.Audio).ToList();
        Assert.Equal(TestClips.VideoFrames, video.Count);
        Assert.True(video[0].Keyframe);
        Assert.Equal([0, 0, 0, 1], video[0].Data.Span[..4].ToArray());
        Assert.All(audio, a => Assert.Equal([0xFF, 0xF0], new[] { a.Data[0], (byte)(a.Data[1] & 0xF0) }));
        // 10 fps: consecutive frames are 100 ms apart in media time.
        Assert.All(video.Zip(video.Skip(1)), p => Assert.Equal(100_000L, p.Second.PtsUs - p.First.PtsUs));
    }
}
