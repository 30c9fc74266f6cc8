using System.Text.Json.Nodes;

namespace FastAV.Live.Benchmarks.E2e;

/// <summary>A clip of the FastAV-Tiny world (tests/reference/tiny_clips.py): RGB frames [windows, 2, 32, 32, 3] and f32 PCM [windows, 16000].</summary>
internal sealed record BenchClip(int Windows, int FramesPerWindow, int Height, int Width, byte[] Frames, byte[] Audio)
{
    public static IReadOnlyList<BenchClip> Load(string path) =>
        JsonNode.Parse(File.ReadAllText(path))!["streams"]!.AsArray().Select(s => new BenchClip(
            (int)s!["windows"]!, (int)s["frames_per_window"]!, (int)s["height"]!, (int)s["width"]!,
            Convert.FromBase64String((string)s["frames"]!), Convert.FromBase64String((string)s["audio"]!))).ToList();

    public int FrameBytes => Height * Width * 3;
}
