using FastAV.Live.Tests.Shared;

namespace FastAV.Live.Client.Tests;

/// <summary>Clips made once per test run by the ffmpeg CLI: 2 s, 160x120, 10 fps H.264 (no B-frames) + 16 kHz mono AAC in MP4.</summary>
public static class TestClips
{
    public const int VideoFrames = 20;

    private static readonly FfmpegClips Clips = new("fastav-client-tests");

    private static readonly Lazy<string> Mp4 = new(() => Clips.Make(
        "clip.mp4",
        "-f lavfi -i testsrc2=size=160x120:rate=10 -f lavfi -i sine=frequency=440:sample_rate=16000 -t 2 "
        + "-c:v libx264 -bf 0 -g 10 -pix_fmt yuv420p -c:a aac -ac 1 -ar 16000"));

    private static readonly Lazy<string> Ts = new(() => Clips.Make(
        "clip.ts",
        "-f lavfi -i testsrc2=size=160x120:rate=10 -f lavfi -i sine=frequency=440:sample_rate=16000 -t 2 "
        + "-c:v libx264 -bf 0 -g 10 -pix_fmt yuv420p -c:a aac -ac 1 -ar 16000 -f mpegts"));

    /// <summary>The H.264 + AAC clip.</summary>
    public static string Clip => Mp4.Value;

    /// <summary>The same content as MPEG-TS (its clock starts at 1.4 s), as a capture pipeline would send it.</summary>
    public static string TransportStream => Ts.Value;

    public static string TempPath(string name) => Clips.PathOf(name);
}
