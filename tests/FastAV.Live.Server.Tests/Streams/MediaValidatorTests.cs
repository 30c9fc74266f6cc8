using FastAV.Live.Contracts.V1;
using FastAV.Live.Server.Streams;
using Google.Protobuf;

namespace FastAV.Live.Server.Tests.Streams;

public sealed class MediaValidatorTests
{
    private static readonly LiveAnalyticsOptions Options = new() { MaxVideoPayloadBytes = 4096, MaxAudioPayloadBytes = 1000 };

    private static MediaValidator Video(VideoCodec codec, uint width = 0, uint height = 0) =>
        new(Options, new VideoFormat { Codec = codec, Width = width, Height = height }, null);

    private static MediaValidator Audio(AudioCodec codec, uint rate = 16000, uint channels = 2) =>
        new(Options, null, new AudioFormat { Codec = codec, SampleRateHz = rate, Channels = channels });

    private static VideoFrame Frame(byte[] data, long pts = 0) => new() { PtsUs = pts, Data = ByteString.CopyFrom(data) };

    private static AudioChunk Chunk(byte[] data, long pts = 0) => new() { PtsUs = pts, Data = ByteString.CopyFrom(data) };

    [Theory]
    [InlineData(VideoCodec.RawRgb24, 4u, 2u, 24L)]
    [InlineData(VideoCodec.RawRgb24, 1920u, 1080u, 6_220_800L)]
    [InlineData(VideoCodec.RawI420, 4u, 2u, 12L)]
    [InlineData(VideoCodec.RawI420, 3u, 3u, 17L)]   // 9 + 2·2·2: chroma rounds up on odd sizes
    [InlineData(VideoCodec.RawNv12, 1920u, 1080u, 3_110_400L)]
    [InlineData(VideoCodec.RawNv12, 5u, 1u, 11L)]
    public void Raw_frame_sizes_follow_the_contract(VideoCodec codec, uint width, uint height, long bytes) =>
        Assert.Equal(bytes, MediaValidator.RawFrameBytes(codec, width, height));

    [Theory]
    [InlineData(VideoCodec.RawRgb24, 23, WarningCode.PayloadSizeMismatch)]
    [InlineData(VideoCodec.RawRgb24, 25, WarningCode.PayloadSizeMismatch)]
    [InlineData(VideoCodec.RawRgb24, 24, WarningCode.Unspecified)]
    [InlineData(VideoCodec.RawI420, 12, WarningCode.Unspecified)]
    [InlineData(VideoCodec.RawI420, 24, WarningCode.PayloadSizeMismatch)]
    [InlineData(VideoCodec.RawNv12, 12, WarningCode.Unspecified)]
    [InlineData(VideoCodec.RawNv12, 0, WarningCode.EmptyPayload)]
    [InlineData(VideoCodec.RawRgb24, 4097, WarningCode.PayloadTooLarge)]
    public void Raw_payload_must_match_width_times_height(VideoCodec codec, int bytes, WarningCode expected)
    {
        var verdict = Video(codec, 4, 2).Check(Frame(new byte[bytes]));
        Assert.Equal(expected, verdict.Code);
        if (expected == WarningCode.PayloadSizeMismatch)
        {
            Assert.StartsWith($"VideoFrame.data: {bytes} bytes, expected", verdict.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Raw_frames_may_carry_their_own_size()
    {
        var validator = Video(VideoCodec.RawRgb24, 4, 2);
        Assert.True(validator.Check(new VideoFrame { Width = 2, Height = 2, Data = ByteString.CopyFrom(new byte[12]) }).IsAccepted);
        Assert.Equal(WarningCode.BadDimensions, validator.Check(new VideoFrame { Width = 2, Data = ByteString.CopyFrom(new byte[12]) }).Code);
        var huge = validator.Check(new VideoFrame { Width = 100_000, Height = 1, Data = ByteString.CopyFrom(new byte[12]) });
        Assert.Equal(WarningCode.BadDimensions, huge.Code);
        Assert.StartsWith("VideoFrame.width/height: 100000x1 exceeds", huge.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(VideoCodec.Jpeg, new byte[] { 0xFF, 0xD8, 0xFF, 0xE0 }, true)]
    [InlineData(VideoCodec.Jpeg, new byte[] { 0x89, 0x50, 0x4E, 0x47 }, false)]   // a PNG
    [InlineData(VideoCodec.Jpeg, new byte[] { 0xFF, 0xD8 }, false)]
    [InlineData(VideoCodec.H264, new byte[] { 0, 0, 0, 1, 0x65 }, true)]
    [InlineData(VideoCodec.H264, new byte[] { 0, 0, 1, 0x41 }, true)]
    [InlineData(VideoCodec.H264, new byte[] { 0, 0, 0, 0x10, 0x65 }, false)]   // AVCC length prefix, not Annex B
    [InlineData(VideoCodec.Hevc, new byte[] { 0, 0, 0, 1, 0x40, 0x01 }, true)]
    [InlineData(VideoCodec.Hevc, new byte[] { 1, 2, 3, 4, 5 }, false)]
    public void Compressed_frames_must_start_like_their_bitstream(VideoCodec codec, byte[] data, bool accepted)
    {
        var verdict = Video(codec).Check(Frame(data));
        Assert.Equal(accepted ? WarningCode.Unspecified : WarningCode.BadBitstream, verdict.Code);
    }

    [Fact]
    public void Codec_of_a_frame_must_be_known_and_equal_the_tracks()
    {
        var validator = Video(VideoCodec.H264);
        Assert.Equal(WarningCode.UnknownCodec, validator.Check(new VideoFrame { Codec = (VideoCodec)77, Data = ByteString.CopyFrom(1) }).Code);
        var mismatch = validator.Check(new VideoFrame { Codec = VideoCodec.Jpeg, Data = ByteString.CopyFrom(0xFF, 0xD8, 0, 0) });
        Assert.Equal((WarningCode.FormatMismatch, "VideoFrame.codec: Jpeg differs from the track's H264"), (mismatch.Code, mismatch.Message));
    }

    [Fact]
    public void Media_of_an_undeclared_track_is_rejected()
    {
        Assert.Equal(WarningCode.TrackNotDeclared, Audio(AudioCodec.Opus).Check(Frame([1])).Code);
        Assert.Equal(WarningCode.TrackNotDeclared, Video(VideoCodec.H264).Check(Chunk([1])).Code);
    }

    [Fact]
    public void Pts_may_go_back_within_the_tolerance_only()
    {
        var validator = new MediaValidator(new LiveAnalyticsOptions { PtsReorderTolerance = TimeSpan.FromMilliseconds(100) }, new VideoFormat { Codec = VideoCodec.H264 }, null);
        byte[] au = [0, 0, 1, 0x65];
        Assert.True(validator.Check(Frame(au, 1_000_000)).IsAccepted);
        Assert.True(validator.Check(Frame(au, 900_000)).IsAccepted);             // B-frame: exactly the tolerance back
        var late = validator.Check(Frame(au, 899_999));
        Assert.Equal(WarningCode.PtsNotMonotonic, late.Code);
        Assert.Equal("VideoFrame.pts_us: 899999 goes back 100001 µs below the track's largest pts 1000000 (tolerance 100000 µs; more than 3000000 µs before where it was due would be a clock reset)", late.Message);
        Assert.Equal(WarningCode.PtsNotMonotonic, validator.Check(Frame(au, -1)).Code);
        Assert.Equal(WarningCode.PtsNotMonotonic, validator.Check(Frame(au, long.MinValue)).Code);
        var huge = validator.Check(Frame(au, long.MaxValue));
        Assert.Equal((WarningCode.PtsNotMonotonic, "VideoFrame.pts_us: must be at most 9007199254740992 (2^53 µs, 285 years), got 9223372036854775807"), (huge.Code, huge.Message));
        Assert.Equal(1_000_000, validator.LastVideoPtsUs);
        Assert.Equal(900_000, validator.FirstPtsUs);
    }

    [Fact]
    public void Rejected_messages_do_not_move_the_tracks_pts()
    {
        var validator = Video(VideoCodec.RawRgb24, 4, 2);
        Assert.False(validator.Check(Frame(new byte[5], 9_000_000)).IsAccepted);
        Assert.Equal(-1, validator.LastVideoPtsUs);
        Assert.True(validator.Check(Frame(new byte[24], 0)).IsAccepted);
    }

    [Fact]
    public void Audio_and_video_pts_are_tracked_separately()
    {
        var validator = new MediaValidator(Options, new VideoFormat { Codec = VideoCodec.H264 }, new AudioFormat { Codec = AudioCodec.Opus });
        Assert.True(validator.Check(Frame([0, 0, 1, 0x65], 10_000_000)).IsAccepted);
        Assert.True(validator.Check(Chunk([1], 0)).IsAccepted);
        Assert.Equal((10_000_000L, 0L, 0L), (validator.LastVideoPtsUs, validator.LastAudioPtsUs, validator.FirstPtsUs));
    }

    [Theory]
    [InlineData(AudioCodec.PcmS16Le, 2u, 4, true)]
    [InlineData(AudioCodec.PcmS16Le, 2u, 6, false)]
    [InlineData(AudioCodec.PcmS16Le, 1u, 2, true)]
    [InlineData(AudioCodec.PcmS16Le, 1u, 3, false)]
    [InlineData(AudioCodec.PcmF32Le, 2u, 8, true)]
    [InlineData(AudioCodec.PcmF32Le, 2u, 12, false)]
    [InlineData(AudioCodec.PcmF32Le, 3u, 12, true)]
    public void Pcm_must_be_whole_sample_frames(AudioCodec codec, uint channels, int bytes, bool accepted)
    {
        var verdict = Audio(codec, channels: channels).Check(Chunk(new byte[bytes]));
        Assert.Equal(accepted ? WarningCode.Unspecified : WarningCode.PayloadSizeMismatch, verdict.Code);
    }

    [Fact]
    public void Audio_checks_format_size_and_sync()
    {
        var pcm = Audio(AudioCodec.PcmS16Le);
        Assert.Equal(WarningCode.EmptyPayload, pcm.Check(Chunk([])).Code);
        Assert.Equal(WarningCode.PayloadTooLarge, pcm.Check(Chunk(new byte[1004])).Code);
        Assert.Equal(WarningCode.UnknownCodec, pcm.Check(new AudioChunk { Codec = (AudioCodec)9, Data = ByteString.CopyFrom(0, 0, 0, 0) }).Code);
        Assert.Equal(WarningCode.FormatMismatch, pcm.Check(new AudioChunk { Codec = AudioCodec.PcmF32Le, Data = ByteString.CopyFrom(new byte[8]) }).Code);
        var rate = pcm.Check(new AudioChunk { SampleRateHz = 48000, Data = ByteString.CopyFrom(new byte[4]) });
        Assert.Equal((WarningCode.FormatMismatch, "AudioChunk.sample_rate_hz: 48000 differs from the track's 16000"), (rate.Code, rate.Message));
        Assert.Equal(WarningCode.FormatMismatch, pcm.Check(new AudioChunk { Channels = 1, Data = ByteString.CopyFrom(new byte[4]) }).Code);
        Assert.True(pcm.Check(new AudioChunk { SampleRateHz = 16000, Channels = 2, Data = ByteString.CopyFrom(new byte[4]) }).IsAccepted);

        var aac = Audio(AudioCodec.AacAdts, 0, 0);
        Assert.True(aac.Check(Chunk([0xFF, 0xF1, 0x50, 0x80, 0x01, 0x7F, 0xFC])).IsAccepted);
        Assert.Equal(WarningCode.BadBitstream, aac.Check(Chunk([0xFF, 0xE1, 0x50, 0x80, 0x01, 0x7F, 0xFC])).Code);
        Assert.Equal(WarningCode.BadBitstream, aac.Check(Chunk([0xFF, 0xF1])).Code);
    }
}
