using FastAV.Live.Contracts.V1;
using FastAV.Live.Server.Streams;

namespace FastAV.Live.Server.Tests.Streams;

/// <summary>A track's clock jumps and resets are discontinuities that re-base it; small steps back are errors.</summary>
public sealed class PtsTimelineTests
{
    private const long Gap = 3_000_000;
    private const long Tolerance = 500_000;

    private static long Place(PtsTimeline timeline, long pts, long duration = 0)
    {
        Assert.True(timeline.TryPlace(pts, duration, out var at, out _));
        return at;
    }

    [Fact]
    public void In_order_pts_are_the_timeline_and_small_gaps_are_kept()
    {
        var t = new PtsTimeline(Gap, Tolerance);
        Assert.Equal(0, Place(t, 0));
        Assert.Equal(40_000, Place(t, 40_000));
        Assert.Equal(3_040_000, Place(t, 3_040_000)); // exactly the bound: still one clock (padded windows are few)
        Assert.Equal(0, t.DiscontinuityCount);
        Assert.Equal(0, t.ShiftUs);
    }

    [Fact]
    public void An_hour_forward_continues_one_frame_interval_after_the_last_frame()
    {
        var t = new PtsTimeline(Gap, Tolerance);
        for (var pts = 0L; pts < 4_000_000; pts += 40_000) Place(t, pts);
        Assert.True(t.TryPlace(3_600_000_000 + 4_000_000, 0, out var at, out var jump));
        Assert.Equal(4_000_000, at); // 3.96 s + 40 ms
        Assert.Equal(3_600_000_000, jump);
        Assert.Equal(-3_600_000_000, t.ShiftUs);
        Assert.Equal(4_040_000, Place(t, 3_604_040_000)); // later frames keep the shift
        Assert.Equal(1, t.DiscontinuityCount);
    }

    [Fact]
    public void Audio_chunks_continue_right_after_the_last_chunk()
    {
        var t = new PtsTimeline(Gap, Tolerance);
        Place(t, 0, 64_000);
        Place(t, 64_000, 64_000);
        Assert.True(t.TryPlace(10_000_000, 64_000, out var at, out var jump));
        Assert.Equal(128_000, at);
        Assert.Equal(10_000_000 - 128_000, jump);

        // A long chunk is not a gap: the gap is measured from its end.
        var longChunks = new PtsTimeline(Gap, Tolerance);
        Place(longChunks, 0, 5_000_000);
        Assert.Equal(5_000_000, Place(longChunks, 5_000_000, 5_000_000));
        Assert.Equal(0, longChunks.DiscontinuityCount);
    }

    [Fact]
    public void A_reset_to_zero_after_a_reboot_is_a_discontinuity_but_a_small_step_back_is_refused()
    {
        var t = new PtsTimeline(Gap, Tolerance);
        for (var pts = 0L; pts <= 10_000_000; pts += 500_000) Place(t, pts);
        Assert.False(t.TryPlace(8_000_000, 0, out _, out _)); // 2 s back: beyond the tolerance, within the bound
        Assert.True(t.TryPlace(9_600_000, 0, out _, out _));   // within the tolerance (B-frames)
        Assert.True(t.TryPlace(0, 0, out var at, out var jump)); // the camera rebooted
        Assert.Equal(10_500_000, at);
        Assert.Equal(-10_500_000, jump);
        Assert.Equal(11_000_000, Place(t, 500_000));
        Assert.Equal(1, t.DiscontinuityCount);
    }

    [Fact]
    public void Validator_places_each_track_on_its_own_timeline_and_reports_the_jump()
    {
        var options = new LiveAnalyticsOptions();
        var validator = new MediaValidator(options, new VideoFormat { Codec = VideoCodec.H264, FrameRate = 25 }, new AudioFormat { Codec = AudioCodec.PcmS16Le, SampleRateHz = 16000, Channels = 1 }, 1_000_000);
        byte[] au = [0, 0, 1, 0x65];
        var pcm = new byte[2 * 1600]; // 100 ms
        for (var i = 0; i < 40; i++) Assert.True(validator.Check(new VideoFrame { PtsUs = i * 40_000, Data = Google.Protobuf.ByteString.CopyFrom(au) }).IsAccepted);
        for (var i = 0; i < 16; i++) Assert.True(validator.Check(new AudioChunk { PtsUs = i * 100_000, Data = Google.Protobuf.ByteString.CopyFrom(pcm) }).IsAccepted);

        // Only the audio clock jumps: the video track is untouched, the audio track re-based right after its last chunk.
        var jumped = validator.Check(new AudioChunk { PtsUs = 7_200_000_000, Data = Google.Protobuf.ByteString.CopyFrom(pcm) });
        Assert.True(jumped.IsAccepted);
        Assert.Equal(1_600_000, jumped.TimelinePtsUs);
        Assert.Equal(7_200_000_000 - 1_600_000, jumped.JumpUs);
        var frame = validator.Check(new VideoFrame { PtsUs = 1_600_000, Data = Google.Protobuf.ByteString.CopyFrom(au) });
        Assert.Equal((0L, 1_600_000L), (frame.JumpUs, frame.TimelinePtsUs));
        Assert.Equal(1_600_000, validator.LastAudioPtsUs); // on the timeline, not the client's clock
    }

    [Fact]
    public void A_slow_camera_is_not_jumping_the_video_bound_covers_two_declared_frame_intervals()
    {
        var validator = new MediaValidator(new LiveAnalyticsOptions(), new VideoFormat { Codec = VideoCodec.Jpeg, FrameRate = 0.2f }, null, 1_000_000);
        byte[] jpeg = [0xFF, 0xD8, 0xFF, 0xE0];
        Assert.Equal((10_000_000L, 3_000_000L), validator.MaxGapUs);
        Assert.Equal(0, validator.Check(new VideoFrame { PtsUs = 0, Data = Google.Protobuf.ByteString.CopyFrom(jpeg) }).JumpUs);
        Assert.Equal(0, validator.Check(new VideoFrame { PtsUs = 5_000_000, Data = Google.Protobuf.ByteString.CopyFrom(jpeg) }).JumpUs);
    }
}
