using FastAV.Live.LoadTests.Streaming;
using Contract = FastAV.Live.Contracts.V1;

namespace FastAV.Live.LoadTests.Tests.Streaming;

public sealed class MediaClipTests
{
    [Fact]
    public void AFileBecomesTheContractsMessagesOnce()
    {
        var clip = MediaClip.Load(TestMedia.Clip, audioChunkMs: 200);
        Assert.Equal(Contract.VideoCodec.H264, clip.Video!.Codec);
        Assert.Equal(Contract.AudioCodec.PcmS16Le, clip.Audio!.Codec);
        Assert.Equal(16000u, clip.Audio.SampleRateHz);
        var video = clip.Packets.Where(p => p.IsVideo).ToList();
        var audio = clip.Packets.Where(p => !p.IsVideo).ToList();
        Assert.Equal(12, video.Count); // 3 s at 4 fps
        Assert.Equal(Enumerable.Range(0, 12).Select(i => i * 250_000L), video.Select(v => v.PtsUs));
        Assert.All(video, v => Assert.Equal(v.PtsUs + 250_000, v.EndUs));
        Assert.True(video[0].Request.Video.Keyframe);
        Assert.Equal([0, 0, 0, 1], video[0].Request.Video.Data.Take(4)); // Annex B
        // PCM regrouped into chunks of at least 200 ms (the last may be shorter), covering 3 s of samples exactly.
        Assert.Equal(3 * 16000 * 2, audio.Sum(a => a.PayloadBytes));
        Assert.All(audio.SkipLast(1), a => Assert.True(a.PayloadBytes >= 6400));
        Assert.Equal(3_000_000, clip.DurationUs);
        Assert.NotEmpty(clip.Questions);
    }

    [Fact]
    public void MissingOrBadFilesSayWhich()
    {
        Assert.Contains("does not exist", Assert.Throws<FileNotFoundException>(() => MediaClip.Load("/nonexistent/clip.mkv")).Message, StringComparison.Ordinal);
        var junk = Path.Combine(Path.GetTempPath(), $"junk-{Guid.NewGuid():N}.mkv");
        File.WriteAllBytes(junk, new byte[1000]);
        try
        {
            Assert.ThrowsAny<Exception>(() => MediaClip.Load(junk));
        }
        finally
        {
            File.Delete(junk);
        }
    }

    [Fact]
    public void TheWindowClockStampsWhenMediaWasCoveredOnEveryTrack()
    {
        var clock = new WindowClock(video: true, audio: true);
        clock.Sent(isVideo: true, 500_000, 10);
        Assert.Equal(0, clock.CoveredUs); // no audio yet
        clock.Sent(isVideo: false, 400_000, 20);
        clock.Sent(isVideo: false, 1_000_000, 30);
        clock.Sent(isVideo: true, 1_000_000, 40);
        Assert.Equal(1_000_000, clock.CoveredUs);
        Assert.Equal(20, clock.ClosedAt(400_000));
        Assert.Equal(30, clock.ClosedAt(500_000));
        Assert.Equal(40, clock.ClosedAt(1_000_000));
        Assert.Null(clock.ClosedAt(1_000_001));
    }
}
