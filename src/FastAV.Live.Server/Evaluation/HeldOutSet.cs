using System.Text.Json;
using FastAV.Live.Models.Loading;
using FastAV.Live.Server.Inference;
using FastAV.Live.Torch;

namespace FastAV.Live.Server.Evaluation;

/// <summary>
/// A held-out set written by training/export_set.py: set.safetensors (frames uint8 [N, T, F, H, W, 3], audio float32
/// [N, T, samples], or float16 for long streams: training/export_long_stream.py) and questions.json ({"seed", "count",
/// optional "windows_per_scene", "questions": [{"stream", "family", "question", "answer", "window", optional
/// "evidence_window"}]}). Everything is checked against itself before use; a malformed set is an <see cref="InvalidDataException"/>.
/// </summary>
public sealed class HeldOutSet
{
    /// <summary>Bounds that keep a hostile set from asking for absurd work or memory.</summary>
    public const int MaxStreams = 100_000;

    public const int MaxQuestions = 1_000_000;

    private readonly byte[] _frames;
    private readonly float[] _audio;

    private HeldOutSet(byte[] frames, float[] audio, long[] frameShape, long[] audioShape, IReadOnlyList<HeldOutQuestion> questions, int? seed, int? windowsPerScene)
    {
        WindowsPerScene = windowsPerScene;
        _frames = frames;
        _audio = audio;
        StreamCount = (int)frameShape[0];
        WindowCount = (int)frameShape[1];
        FramesPerWindow = (int)frameShape[2];
        Height = (int)frameShape[3];
        Width = (int)frameShape[4];
        SamplesPerWindow = (int)audioShape[2];
        Questions = questions;
        Seed = seed;
    }

    public int StreamCount { get; }

    public int WindowCount { get; }

    public int FramesPerWindow { get; }

    public int Height { get; }

    public int Width { get; }

    public int SamplesPerWindow { get; }

    public int? Seed { get; }

    /// <summary>A long stream's scene length in windows (questions.json "windows_per_scene"), null when not given.</summary>
    public int? WindowsPerScene { get; }

    public IReadOnlyList<HeldOutQuestion> Questions { get; }

    public static HeldOutSet Load(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        var tensors = Path.Combine(directory, "set.safetensors");
        var questionsPath = Path.Combine(directory, "questions.json");
        foreach (var path in new[] { tensors, questionsPath })
        {
            if (!File.Exists(path))
            {
                throw new FileNotFoundException($"held-out set: {path} is missing", path);
            }
        }

        byte[] frames;
        float[] audio;
        long[] fs, aus;
        using (var file = SafetensorsWeights.Open(tensors))
        using (var scope = new TensorScope())
        {
            foreach (var name in new[] { "frames", "audio" })
            {
                if (!file.Contains(name))
                {
                    throw new InvalidDataException($"{tensors}: tensor '{name}' is missing");
                }
            }

            var f = file.Get("frames");
            var a = file.Get("audio");
            (fs, aus) = (f.Shape, a.Shape);
            if (f.DType != DType.UInt8 || fs.Length != 6 || fs[5] != 3 || fs.Any(d => d < 1))
            {
                throw new InvalidDataException($"{tensors}: frames must be uint8 [streams, windows, frames, height, width, 3], got {f.DType} [{string.Join(", ", fs)}]");
            }

            if (a.DType is not (DType.Float32 or DType.Float16) || aus.Length != 3 || aus[0] != fs[0] || aus[1] != fs[1] || aus[2] < 1)
            {
                throw new InvalidDataException($"{tensors}: audio must be float32 or float16 [{fs[0]}, {fs[1]}, samples], got {a.DType} [{string.Join(", ", aus)}]");
            }

            if (fs[0] > MaxStreams)
            {
                throw new InvalidDataException($"{tensors}: {fs[0]} streams exceed the {MaxStreams} allowed");
            }

            frames = f.Contiguous().ToArray<byte>();
            audio = (a.DType == DType.Float32 ? a : a.To(DType.Float32)).Contiguous().ToArray<float>();
        }

        var (questions, seed, perScene) = ReadQuestions(questionsPath, (int)fs[0], (int)fs[1]);
        return new HeldOutSet(frames, audio, fs, aus, questions, seed, perScene);
    }

    /// <summary>The RGB24 frames of one window, [height, width, 3] each.</summary>
    public IReadOnlyList<byte[]> Frames(int stream, int window)
    {
        var size = Height * Width * 3;
        var first = ((((long)stream * WindowCount) + window) * FramesPerWindow) * size;
        return Enumerable.Range(0, FramesPerWindow).Select(j => _frames.AsSpan((int)(first + ((long)j * size)), size).ToArray()).ToList();
    }

    public ReadOnlySpan<float> Audio(int stream, int window) =>
        _audio.AsSpan((int)((((long)stream * WindowCount) + window) * SamplesPerWindow), SamplesPerWindow);

    private static (IReadOnlyList<HeldOutQuestion>, int?, int?) ReadQuestions(string path, int streams, int windows)
    {
        if (new FileInfo(path).Length > 256L * 1024 * 1024)
        {
            throw new InvalidDataException($"{path}: larger than 256 MiB");
        }

        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(File.ReadAllBytes(path), new JsonDocumentOptions { MaxDepth = 8 });
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{path}: not valid JSON ({ex.Message})", ex);
        }

        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("questions", out var list) || list.ValueKind != JsonValueKind.Array)
            {
                throw new InvalidDataException($"{path}: expected an object with a \"questions\" list");
            }

            if (list.GetArrayLength() > MaxQuestions)
            {
                throw new InvalidDataException($"{path}: more than {MaxQuestions} questions");
            }

            var questions = new List<HeldOutQuestion>();
            foreach (var q in list.EnumerateArray())
            {
                var at = questions.Count;
                var stream = Int(q, "stream", path, at);
                var window = Int(q, "window", path, at);
                if (stream < 0 || stream >= streams || window < 0 || window >= windows)
                {
                    throw new InvalidDataException($"{path}: question {at} asks about stream {stream} after window {window}; the set has {streams} streams of {windows} windows");
                }

                int? evidence = null;
                if (q.TryGetProperty("evidence_window", out _))
                {
                    evidence = Int(q, "evidence_window", path, at);
                    if (evidence < 0 || evidence > window)
                    {
                        throw new InvalidDataException($"{path}: question {at}: evidence_window {evidence} must be within 0..{window} (its window)");
                    }
                }

                questions.Add(new HeldOutQuestion(stream, Text(q, "family", path, at), Text(q, "question", path, at), Text(q, "answer", path, at), window) { EvidenceWindow = evidence });
            }

            int? seed = root.TryGetProperty("seed", out var s) && s.ValueKind == JsonValueKind.Number && s.TryGetInt32(out var v) ? v : null;
            int? perScene = null;
            if (root.TryGetProperty("windows_per_scene", out var w))
            {
                perScene = w.ValueKind == JsonValueKind.Number && w.TryGetInt32(out var n) && n >= 1 && n <= windows
                    ? n
                    : throw new InvalidDataException($"{path}: windows_per_scene must be an integer within 1..{windows}");
            }

            return (questions, seed, perScene);
        }
    }

    private static int Int(JsonElement q, string name, string path, int index) =>
        q.ValueKind == JsonValueKind.Object && q.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var i)
            ? i
            : throw new InvalidDataException($"{path}: question {index}: {name} must be an integer");

    private static string Text(JsonElement q, string name, string path, int index) =>
        q.ValueKind == JsonValueKind.Object && q.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String && v.GetString() is { Length: > 0 and <= 4096 } s
            ? s
            : throw new InvalidDataException($"{path}: question {index}: {name} must be a non-empty string of at most 4096 characters");

    /// <summary>Every window of every stream as the model's embeddings [stream][window], in the caller's tensor scope.</summary>
    public List<Tensor>[] EmbedWindows(WindowFeaturizer featurizer)
    {
        ArgumentNullException.ThrowIfNull(featurizer);
        if (FramesPerWindow != featurizer.FramesPerWindow)
        {
            throw new InvalidDataException($"the set has {FramesPerWindow} frames per window, the model takes {featurizer.FramesPerWindow}");
        }

        var windows = new List<Tensor>[StreamCount];
        for (var s = 0; s < StreamCount; s++)
        {
            windows[s] = Enumerable.Range(0, WindowCount).Select(t => featurizer.Embed(Frames(s, t), Width, Height, Audio(s, t))).ToList();
        }

        return windows;
    }
}
