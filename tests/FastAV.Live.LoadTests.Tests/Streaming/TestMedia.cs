using System.Diagnostics;

namespace FastAV.Live.LoadTests.Tests.Streaming;

/// <summary>Clips made once per test run by the ffmpeg CLI.</summary>
public static class TestMedia
{
    private static readonly Lazy<string> H264Pcm = new(() => Make(
        "clip.mkv",
        "-f lavfi -i testsrc2=size=64x48:rate=4 -f lavfi -i sine=frequency=440:sample_rate=16000 -t 3 -c:v libx264 -bf 0 -g 4 -pix_fmt yuv420p -c:a pcm_s16le -ac 1"));

    /// <summary>3 s of 64x48 H.264 at 4 fps (keyframe each second) + 16 kHz mono PCM s16le, in Matroska.</summary>
    public static string Clip => H264Pcm.Value;

    private static string Make(string name, string arguments)
    {
        var dir = Path.Combine(Path.GetTempPath(), $"fastav-load-tests-{Environment.ProcessId}");
        Directory.CreateDirectory(dir);
        var path = Path.Combine(dir, name);
        using var process = Process.Start(new ProcessStartInfo("ffmpeg", $"-hide_banner -loglevel error -nostdin -y {arguments} \"{path}\"") { RedirectStandardError = true })!;
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0 ? path : throw new InvalidOperationException($"ffmpeg failed: {stderr}");
    }
}
