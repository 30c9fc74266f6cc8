using System.Text.Json;
using System.Text.Json.Nodes;

namespace FastAV.Live.Server.Tests.EndToEnd;

/// <summary>A question of a clip: asked after window <see cref="Window"/>, with the truth and the PyTorch model's answer.</summary>
internal sealed record ClipQuestion(string Id, string Family, string Text, int Window, string Answer, string ModelAnswer);

/// <summary>One stream of the FastAV-Tiny world: frames [windows, frames, h, w, 3] RGB and audio [windows, 16000] f32.</summary>
internal sealed record Clip(int Index, int Windows, int FramesPerWindow, int Height, int Width, byte[] Frames, float[] Audio, IReadOnlyList<ClipQuestion> Questions)
{
    public int FrameBytes => Height * Width * 3;

    public ReadOnlyMemory<byte> Frame(int window, int frame) => Frames.AsMemory(((window * FramesPerWindow) + frame) * FrameBytes, FrameBytes);

    public ReadOnlyMemory<float> WindowAudio(int window) => Audio.AsMemory(window * 16000, 16000);
}

/// <summary>
/// Clips made by tests/reference/tiny_clips.py with the world generator of training/ and answered by the PyTorch
/// model there (plain greedy decoding, no pruning) — once per test run, shared by the end-to-end tests.
/// </summary>
internal static class TinyClips
{
    public const int Seed = 2001;

    private static readonly Lazy<Task<(IReadOnlyList<Clip> Clips, string Json)>> Set = new(LoadAsync, LazyThreadSafetyMode.ExecutionAndPublication);

    public static async Task<IReadOnlyList<Clip>> GetAsync() => (await Set.Value).Clips;

    /// <summary>The raw JSON file, for the other-language clients.</summary>
    public static async Task<string> PathAsync()
    {
        await Set.Value;
        return FilePath;
    }

    private static string FilePath => Path.Combine(Path.GetTempPath(), $"fastav-tiny-clips-{Environment.ProcessId}.json");

    private static async Task<(IReadOnlyList<Clip>, string)> LoadAsync()
    {
        var (exit, _, stderr) = await PythonProbe.RunProcessAsync(
            "/usr/bin/python3",
            [Path.Combine(PythonProbe.RepoRoot, "tests", "reference", "tiny_clips.py"), "--model", Path.Combine(PythonProbe.RepoRoot, "models", "fastav-tiny"), "--seed", Seed.ToString(System.Globalization.CultureInfo.InvariantCulture), "--count", "4", "--out", FilePath],
            "");
        if (exit != 0) throw new InvalidOperationException($"tiny_clips.py exited with {exit}: {stderr}");
        var json = await File.ReadAllTextAsync(FilePath);
        var root = JsonNode.Parse(json)!;
        var clips = new List<Clip>();
        foreach (var s in root["streams"]!.AsArray())
        {
            var audioBytes = Convert.FromBase64String((string)s!["audio"]!);
            var audio = new float[audioBytes.Length / 4];
            Buffer.BlockCopy(audioBytes, 0, audio, 0, audioBytes.Length);
            var questions = s["questions"]!.AsArray().Select(q => new ClipQuestion(
                (string)q!["id"]!, (string)q["family"]!, (string)q["text"]!, (int)q["window"]!, (string)q["answer"]!, (string)q["model_answer"]!)).ToList();
            clips.Add(new Clip((int)s["index"]!, (int)s["windows"]!, (int)s["frames_per_window"]!, (int)s["height"]!, (int)s["width"]!,
                Convert.FromBase64String((string)s["frames"]!), audio, questions));
        }

        return (clips, json);
    }

    public static JsonSerializerOptions Options { get; } = new() { WriteIndented = false };
}
