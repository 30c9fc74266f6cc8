using FastAV.Live.Contracts.V1;
using Google.Protobuf;

namespace FastAV.Live.Server.Tests.EndToEnd;

/// <summary>The messages of a clip as a camera client sends them: RAW RGB24 frames at 2 per second, one f32 PCM chunk per window.</summary>
internal static class ClipStream
{
    public static StreamOpen Open(Clip clip, string streamId, PruningPolicy policy, IEnumerable<StandingQuestion> standing)
    {
        var open = new StreamOpen
        {
            StreamId = streamId,
            Pruning = new PruningConfig { Policy = policy },
            Video = new VideoFormat { Codec = VideoCodec.RawRgb24, Width = (uint)clip.Width, Height = (uint)clip.Height, FrameRate = 2 },
            Audio = new AudioFormat { Codec = AudioCodec.PcmF32Le, SampleRateHz = 16000, Channels = 1 },
        };
        open.StandingQuestions.AddRange(standing);
        return open;
    }

    /// <summary>Each world question as a standing question whose first firing is right after its window.</summary>
    public static IEnumerable<StandingQuestion> Standing(Clip clip) =>
        clip.Questions.Select(q => new StandingQuestion { QuestionId = q.Id, Text = q.Text, IntervalMs = (uint)((q.Window + 1) * 1000), MaxTokens = 8 });

    public static IEnumerable<StreamRequest> Window(Clip clip, int window)
    {
        for (var f = 0; f < clip.FramesPerWindow; f++)
        {
            yield return new StreamRequest
            {
                Video = new VideoFrame { PtsUs = (window * 1_000_000L) + (f * 1_000_000L / clip.FramesPerWindow), Data = ByteString.CopyFrom(clip.Frame(window, f).Span) },
            };
        }

        var samples = clip.WindowAudio(window);
        var bytes = new byte[samples.Length * 4];
        Buffer.BlockCopy(samples.ToArray(), 0, bytes, 0, bytes.Length);
        yield return new StreamRequest { Audio = new AudioChunk { PtsUs = window * 1_000_000L, Data = ByteString.CopyFrom(bytes) } };
    }
}
