using FastAV.Live.Contracts.V1;
using Google.Protobuf;

namespace FastAV.Live.Server.Tests;

/// <summary>Well-formed requests to start from: tests break one field at a time.</summary>
internal static class StreamMessages
{
    public const uint Width = 4;
    public const uint Height = 2;

    /// <summary>RGB24 4x2 video and 16 kHz mono S16LE audio.</summary>
    public static StreamOpen Open(string streamId = "cam-1") => new()
    {
        StreamId = streamId,
        Video = new VideoFormat { Codec = VideoCodec.RawRgb24, Width = Width, Height = Height, FrameRate = 25 },
        Audio = new AudioFormat { Codec = AudioCodec.PcmS16Le, SampleRateHz = 16000, Channels = 1 },
    };

    public static StreamRequest OpenRequest(string streamId = "cam-1") => new() { Open = Open(streamId) };

    public static VideoFrame Frame(long ptsUs, int bytes = (int)(Width * Height * 3)) =>
        new() { PtsUs = ptsUs, Data = ByteString.CopyFrom(new byte[bytes]), Keyframe = true };

    public static StreamRequest FrameRequest(long ptsUs, int bytes = (int)(Width * Height * 3)) => new() { Video = Frame(ptsUs, bytes) };

    public static AudioChunk Chunk(long ptsUs, int bytes = 320) => new() { PtsUs = ptsUs, Data = ByteString.CopyFrom(new byte[bytes]) };

    public static StreamRequest ChunkRequest(long ptsUs, int bytes = 320) => new() { Audio = Chunk(ptsUs, bytes) };

    public static StreamRequest QuestionRequest(string text = "is anyone at the door?") =>
        new() { Question = new Question { QuestionId = "q1", Text = text } };
}
