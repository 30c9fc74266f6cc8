using FastAV.Live.Contracts.V1;
using MediaWindow = FastAV.Live.Media.MediaWindow;
using FastAV.Live.Server.Inference;
using FastAV.Live.Server.Streams;
using Google.Protobuf;

namespace FastAV.Live.Server.Tests.Inference;

/// <summary>A stream's media path behind its validator: real decoders (raw RGB24 frames, f32 PCM), sampler and assembler.</summary>
public sealed class StreamMediaTests
{
    private static readonly VideoFormat Video = new() { Codec = VideoCodec.RawRgb24, Width = 32, Height = 32, FrameRate = 2 };
    private static readonly AudioFormat Audio = new() { Codec = AudioCodec.PcmF32Le, SampleRateHz = 16000, Channels = 1 };

    private static VideoFrame Frame(long ptsUs) => new() { PtsUs = ptsUs, Data = ByteString.CopyFrom(new byte[32 * 32 * 3]) };

    private static AudioChunk Chunk(long ptsUs)
    {
        var samples = Enumerable.Range(0, 16000).Select(i => MathF.Sin(i * 0.1f) * 0.5f).ToArray();
        var bytes = new byte[samples.Length * 4];
        Buffer.BlockCopy(samples, 0, bytes, 0, bytes.Length);
        return new AudioChunk { PtsUs = ptsUs, Data = ByteString.CopyFrom(bytes) };
    }

    // The validator places each message on the timeline; the media path takes that pts, as StreamProtocol does.
    private static List<MediaWindow> Send(MediaValidator validator, StreamMedia media, IEnumerable<object> messages, List<MediaVerdict> verdicts)
    {
        var windows = new List<MediaWindow>();
        foreach (var m in messages)
        {
            if (m is VideoFrame f)
            {
                var v = validator.Check(f);
                verdicts.Add(v);
                windows.AddRange(media.AddVideo(f, v.TimelinePtsUs, out _));
            }
            else if (m is AudioChunk c)
            {
                var v = validator.Check(c);
                verdicts.Add(v);
                windows.AddRange(media.AddAudio(c, v.TimelinePtsUs, out _));
            }
        }

        return windows;
    }

    private static IEnumerable<object> Second(long videoUs, long audioUs) => [Frame(videoUs), Frame(videoUs + 500_000), Chunk(audioUs)];

    [Fact]
    public void An_audio_only_clock_jump_is_counted_and_later_audio_still_reaches_its_windows()
    {
        var validator = new MediaValidator(new LiveAnalyticsOptions(), Video, Audio, 1_000_000);
        using var media = new StreamMedia(Video, Audio, 1.0, 2);
        var verdicts = new List<MediaVerdict>();
        var windows = Send(validator, media, Enumerable.Range(0, 4).SelectMany(s => Second(s * 1_000_000L, s * 1_000_000L)), verdicts);

        // From the fifth second the audio clock is an hour ahead; the video clock is not.
        const long Hour = 3_600_000_000;
        windows.AddRange(Send(validator, media, Enumerable.Range(4, 4).SelectMany(s => Second(s * 1_000_000L, Hour + (s * 1_000_000L))), verdicts));
        windows.AddRange(media.Flush());

        Assert.Equal([Hour], verdicts.Where(v => v.JumpUs != 0).Select(v => v.JumpUs));
        Assert.Equal(Enumerable.Range(0, 8).Select(s => s * 1_000_000L), windows.Select(w => w.StartPtsMicroseconds));
        Assert.All(windows, w => Assert.Equal(0, w.MissingAudioSampleCount)); // no silence where the camera sent sound
        Assert.Equal(0, media.WindowStats.EarlyAudioSampleCount);
    }

    [Fact]
    public void A_window_closes_when_both_tracks_passed_its_end_without_waiting_for_more()
    {
        var validator = new MediaValidator(new LiveAnalyticsOptions(), Video, Audio, 1_000_000);
        using var media = new StreamMedia(Video, Audio, 1.0, 2, latenessSeconds: 0.5);
        var verdicts = new List<MediaVerdict>();
        Assert.Empty(Send(validator, media, Second(0, 0), verdicts)); // video has reached 0.5 s only
        var closed = Send(validator, media, [Frame(1_000_000)], verdicts); // now both tracks are at 1 s
        Assert.Equal([0L], closed.Select(w => w.StartPtsMicroseconds));
        Assert.False(closed[0].IsPartial);

        // A track that lags: the other one waits out the lateness tolerance past the window's end, then the window goes.
        Assert.Empty(Send(validator, media, [Frame(1_500_000), Frame(2_000_000)], verdicts));
        Assert.Equal([1_000_000L], Send(validator, media, [Frame(2_500_000)], verdicts).Select(w => w.StartPtsMicroseconds));
    }

    [Fact]
    public void The_end_of_a_25fps_stream_makes_no_window_past_its_last_frame()
    {
        var video = new VideoFormat { Codec = VideoCodec.RawRgb24, Width = 32, Height = 32, FrameRate = 25 };
        var validator = new MediaValidator(new LiveAnalyticsOptions(), video, null, 1_000_000);
        using var media = new StreamMedia(video, null, 1.0, 2);
        var verdicts = new List<MediaVerdict>();
        var windows = Send(validator, media, Enumerable.Range(0, 150).Select(i => (object)Frame(i * 40_000L)), verdicts); // 6 s, last frame at 5.96 s
        windows.AddRange(media.Flush());
        Assert.Equal(Enumerable.Range(0, 6).Select(s => s * 1_000_000L), windows.Select(w => w.StartPtsMicroseconds));
    }

    [Fact]
    public void A_sliver_of_audio_padding_past_the_last_frame_makes_no_window_but_a_real_tail_does()
    {
        var validator = new MediaValidator(new LiveAnalyticsOptions(), Video, Audio, 1_000_000);
        using var media = new StreamMedia(Video, Audio, 1.0, 2);
        var verdicts = new List<MediaVerdict>();
        var windows = Send(validator, media, Enumerable.Range(0, 2).SelectMany(s => Second(s * 1_000_000L, s * 1_000_000L)), verdicts);
        windows.AddRange(Send(validator, media, [Pcm(2_000_000, 0.03)], verdicts)); // 30 ms of encoder padding after the last second
        windows.AddRange(media.Flush());
        Assert.Equal([0L, 1_000_000L], windows.Select(w => w.StartPtsMicroseconds));

        using var audioOnly = new StreamMedia(null, Audio, 1.0, 2);
        var tail = audioOnly.AddAudio(Pcm(0, 1.4), 0, out _).Concat(audioOnly.Flush()).ToList();
        Assert.Equal([0L, 1_000_000L], tail.Select(w => w.StartPtsMicroseconds)); // 0.4 s of sound is worth its window
        Assert.True(tail[1].IsPartial);
    }

    private static AudioChunk Pcm(long ptsUs, double seconds)
    {
        var bytes = new byte[(int)(seconds * 16000) * 4];
        return new AudioChunk { PtsUs = ptsUs, Data = ByteString.CopyFrom(bytes) };
    }
}
