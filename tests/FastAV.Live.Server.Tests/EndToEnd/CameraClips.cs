using FastAV.Live.Media;
using FastAV.Live.Tests.Shared;

namespace FastAV.Live.Server.Tests.EndToEnd;

/// <summary>
/// Camera recordings made by the ffmpeg CLI once per test run (H.264 without B-frames, 16 kHz mono PCM, in Matroska)
/// and read back as the packets a camera would send, through the project's own demuxer.
/// </summary>
internal static class CameraClips
{
    private static readonly FfmpegClips Clips = new("fastav-camera-clips");

    private static readonly Dictionary<string, Lazy<string>> Made = [];

    /// <summary>A clip of <paramref name="seconds"/> s: testsrc2 video at the size and rate given, a sine tone as audio.</summary>
    public static string Make(int width, int height, int fps, int seconds, int toneHz = 440)
    {
        var name = $"cam-{width}x{height}-{fps}fps-{seconds}s-{toneHz}hz.mkv";
        Lazy<string> made;
        lock (Made)
        {
            if (!Made.TryGetValue(name, out made!))
            {
                made = new Lazy<string>(() => Clips.Make(name,
                    $"-f lavfi -i testsrc2=size={width}x{height}:rate={fps} -f lavfi -i sine=frequency={toneHz}:sample_rate=16000 -t {seconds} "
                    + $"-c:v libx264 -preset ultrafast -bf 0 -g {fps} -pix_fmt yuv420p -c:a pcm_s16le -ac 1 -ar 16000"));
                Made.Add(name, made);
            }
        }

        return made.Value;
    }

    /// <summary>An MP4 as phones and NVRs write them: H.264 (with B-frames) and 44.1 kHz stereo AAC.</summary>
    public static string Mp4(int width, int height, int fps, int seconds)
    {
        var name = $"clip-{width}x{height}-{fps}fps-{seconds}s.mp4";
        Lazy<string> made;
        lock (Made)
        {
            if (!Made.TryGetValue(name, out made!))
            {
                made = new Lazy<string>(() => Clips.Make(name,
                    $"-f lavfi -i testsrc2=size={width}x{height}:rate={fps} -f lavfi -i sine=frequency=660:sample_rate=44100 -t {seconds} "
                    + "-c:v libx264 -preset veryfast -pix_fmt yuv420p -c:a aac -ac 2 -ar 44100"));
                Made.Add(name, made);
            }
        }

        return made.Value;
    }

    /// <summary>Every packet of a file in file order, and what the demuxer found.</summary>
    public static (MediaStreamInfo Info, IReadOnlyList<MediaPacket> Packets) Read(string path)
    {
        using var source = MediaSource.Open(path);
        var packets = new List<MediaPacket>();
        while (source.ReadPacket() is { } packet) packets.Add(packet);
        return (source.Info, packets);
    }
}
