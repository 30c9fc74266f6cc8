using System.Diagnostics;

namespace FastAV.Live.Media.Tests;

[Collection(MediaClipsCollection.Name)]
public sealed class MediaSourceTests(MediaClips clips)
{
    [Fact]
    public void ReadsAnMp4AsAnnexBVideoAndAdtsAudio()
    {
        var clip = clips.Make("av.mp4", "-f lavfi -i testsrc2=size=128x72:rate=25 -f lavfi -i sine=frequency=440:sample_rate=48000 -t 1 -c:v libx264 -preset ultrafast -g 25 -c:a aac");
        using var source = MediaSource.Open(clip);
        Assert.Equal(new MediaStreamInfo(VideoCodec.H264, 128, 72, 25, AudioCodec.AAC, 48000, 1), source.Info);
        var packets = new List<MediaPacket>();
        while (source.ReadPacket() is { } p)
        {
            packets.Add(p);
        }

        var video = packets.OfType<VideoPacket>().ToList();
        var audio = packets.OfType<AudioPacket>().ToList();
        Assert.Equal(25, video.Count);
        Assert.True(video[0].IsKeyframe);
        Assert.Equal([0, 0, 0, 1], video[0].Data[..4]); // Annex B start code, SPS/PPS in band
        Assert.True(KeyframeDetector.IsKeyframe(VideoCodec.H264, video[0].Data));
        Assert.All(audio, a => Assert.Equal(0xFFF, (a.Data[0] << 4) | (a.Data[1] >> 4))); // ADTS sync word
        Assert.All(audio, a => Assert.Equal(a.Data.Length, ((a.Data[3] & 3) << 11) | (a.Data[4] << 3) | (a.Data[5] >> 5)));
        Assert.InRange(audio.Count, 46, 49); // 1 s of 1024-sample frames at 48 kHz (+ priming)
        source.Dispose();
        Assert.Throws<ObjectDisposedException>(() => source.ReadPacket());
    }

    [Fact]
    public async Task RealTimePacingFollowsMediaTime()
    {
        var clip = clips.Make("paced.mkv", "-f lavfi -i testsrc2=size=64x36:rate=10 -t 0.6 -c:v mjpeg");
        using var source = MediaSource.Open(clip, new MediaSourceOptions { Pacing = MediaPacing.RealTime });
        var clock = Stopwatch.StartNew();
        var count = 0;
        await foreach (var p in source.ReadPacketsAsync())
        {
            count++;
        }

        Assert.Equal(6, count);
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(450), $"6 frames at 10 fps took {clock.Elapsed}"); // a lower bound only
    }

    [Fact]
    public void MissingAndNonMediaFilesFailWithAClearError()
    {
        var missing = Assert.Throws<MediaException>(() => MediaSource.Open(Path.Combine(clips.Directory, "nope.mp4")));
        Assert.Contains("nope.mp4", missing.Message, StringComparison.Ordinal);
        var junk = Path.Combine(clips.Directory, "junk.bin");
        File.WriteAllBytes(junk, [.. Enumerable.Range(0, 4096).Select(i => (byte)(i * 31))]);
        Assert.Throws<MediaException>(() => MediaSource.Open(junk));
        Assert.Throws<ArgumentException>(() => MediaSource.Open(" "));
    }
}
