using FastAV.Live.Tests.Shared;

namespace FastAV.Live.LoadTests.Tests.Streaming;

/// <summary>Clips made once per test run by the ffmpeg CLI.</summary>
public static class TestMedia
{
    private static readonly FfmpegClips Clips = new("fastav-load-tests");

    private static readonly Lazy<string> H264Pcm = new(() => Clips.Make(
        "clip.mkv",
        "-f lavfi -i testsrc2=size=64x48:rate=4 -f lavfi -i sine=frequency=440:sample_rate=16000 -t 3 -c:v libx264 -bf 0 -g 4 -pix_fmt yuv420p -c:a pcm_s16le -ac 1"));

    /// <summary>3 s of 64x48 H.264 at 4 fps (keyframe each second) + 16 kHz mono PCM s16le, in Matroska.</summary>
    public static string Clip => H264Pcm.Value;
}
