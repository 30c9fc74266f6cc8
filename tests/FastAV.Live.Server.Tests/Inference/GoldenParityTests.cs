using System.Text.Json;
using FastAV.Live.Engine.Cache;
using FastAV.Live.Engine.Running;
using FastAV.Live.Models.Decoder;
using FastAV.Live.Models.Loading;
using FastAV.Live.Server.Inference;
using FastAV.Live.Torch;

namespace FastAV.Live.Server.Tests.Inference;

/// <summary>
/// The C# pipeline against the PyTorch model's goldens (training/export_goldens.py → models/fastav-tiny/goldens.*):
/// every stage from uint8 frames and 16 kHz audio to the logits, and the greedy answer through the engine. Each stage
/// starts from the golden input of that stage, so a difference is pinned to one stage.
/// Tolerances (max absolute difference; measured with the first shipped weights in brackets): pixels 1e-5 [1.2e-7],
/// one float32 multiply-add either way; every network stage 1e-4 (vision 4.8e-7, audio encoder 7.2e-7, frame tokens
/// 3.6e-7, audio tokens 2.4e-7, inputs_embeds 3.6e-7, logits 7.6e-6); log-mel 2e-4 [2.9e-5]: PyTorch computes the STFT
/// power in float32 while LogMelSpectrogram uses float64, and bins near the max − 8 floor (power ≈ 1e-8 of the peak)
/// keep only a few significant float32 digits, which log10 / 4 turns into differences up to ~1e-4 on other audio.
/// </summary>
public sealed class GoldenParityTests
{
    private static readonly Lazy<Goldens> Data = new(Goldens.Load);

    [Fact]
    public void FeaturizerEqualsTrainingFeatures()
    {
        var g = Data.Value;
        var model = TinyModel.Model;
        var featurizer = new WindowFeaturizer(model);
        using var scope = new TensorScope();
        var frames = g.Tensor("frames_uint8"); // [w, F, S, S, 3]
        var audio = g.Tensor("audio"); // [w, 16000]
        var (w, f, s) = ((int)frames.Size(0), (int)frames.Size(1), (int)frames.Size(2));
        var pixels = new List<float>();
        var mels = new List<float>();
        for (var t = 0; t < w; t++)
        {
            var rgb = Enumerable.Range(0, f).Select(j => frames.Select(0, t).Select(0, j).Contiguous().ToArray<byte>()).ToList();
            pixels.AddRange(featurizer.Pixels(rgb, s, s));
            mels.AddRange(featurizer.Mel(audio.Select(0, t).Contiguous().ToArray<float>()));
        }

        AssertClose("pixel_values", g.Floats("pixel_values"), [.. pixels], 1e-5);
        AssertClose("input_features", g.Floats("input_features"), [.. mels], 2e-4);
    }

    [Fact]
    public void EncodersAndProjectorsEqualPyTorch()
    {
        var g = Data.Value;
        var model = TinyModel.Model;
        using var scope = new TensorScope();
        var pixels = g.Tensor("pixel_values"); // [w·F, 3, S, S]
        var mel = g.Tensor("input_features"); // [w, 80, 100]
        AssertClose("vision_model_output", g.Floats("vision_model_output"), model.Vision!.Encoder.Forward(pixels).ToArray<float>(), 1e-4);
        AssertClose("audio_encoder_output", g.Floats("audio_encoder_output"), model.Audio!.Encoder.Forward(mel).ToArray<float>(), 1e-4);
        AssertClose("frame_tokens", g.Floats("frame_tokens"), model.Vision.Embed(pixels).ToArray<float>(), 1e-4);
        var audioTokens = Enumerable.Range(0, (int)mel.Size(0)).SelectMany(t => model.Audio.Embed(mel.Select(0, t), model.Manifest.WindowSeconds).ToArray<float>()).ToArray();
        AssertClose("audio_tokens", g.Floats("audio_tokens"), audioTokens, 1e-4);
    }

    [Fact]
    public void InputsEmbedsAndLogitsEqualPyTorch()
    {
        var g = Data.Value;
        var model = TinyModel.Model;
        using var scope = new TensorScope();
        var embeds = InputsEmbeds(g);
        AssertClose("inputs_embeds", g.Floats("inputs_embeds"), embeds.ToArray<float>(), 1e-4);

        var n = (int)embeds.Size(0);
        using var cache = model.Decoder.CreateCache(n);
        var positions = Enumerable.Range(0, n).Select(i => (long)i).ToArray();
        var hidden = model.Decoder.RunLayers(embeds, positions, cache, 0, model.Decoder.Config.LayerCount);
        var logits = model.Decoder.Logits(hidden).ToArray<float>();
        AssertClose("logits", g.Floats("logits"), logits, 1e-4);
        Assert.Equal(new long[] { n, model.Decoder.Config.VocabSize }, g.Shape("logits"));
    }

    [Fact]
    public void GreedyAnswerThroughTheEngineEqualsPyTorch()
    {
        var g = Data.Value;
        var model = TinyModel.Model;
        using var scope = new TensorScope();
        var windows = WindowEmbeddings(g);
        var runner = new ModelRunner(model.Decoder);
        var replay = new StreamReplay(model, runner);
        var question = new ReplayQuestion(windows.Count - 1, model.QuestionIds(g.Question));
        var result = replay.Run(windows, [question], replay.UnboundedCache(windows.Count), new StreamingLlmEviction());
        Assert.Equal(g.GreedyAnswer, result.Answers[0].Text);
        Assert.Equal(1.0, result.Flops / result.BaselineFlops, 9); // nothing pruned
    }

    // The golden stage outputs, window by window, through AvModel.EmbedWindow (the separator row appended by it).
    private static List<Tensor> WindowEmbeddings(Goldens g)
    {
        var model = TinyModel.Model;
        var pixels = g.Tensor("pixel_values");
        var mel = g.Tensor("input_features");
        var f = model.FramesPerWindow;
        return Enumerable.Range(0, (int)mel.Size(0)).Select(t => model.EmbedWindow(pixels.Narrow(0, t * f, f), mel.Select(0, t))).ToList();
    }

    private static Tensor InputsEmbeds(Goldens g)
    {
        var model = TinyModel.Model;
        var prefix = model.Decoder.Embed(Array.ConvertAll(model.Prompt.StreamPrefix, id => (long)id));
        var question = model.Decoder.Embed(Array.ConvertAll(model.QuestionIds(g.Question), id => (long)id));
        return Torch.Torch.Cat([prefix, .. WindowEmbeddings(g), question]);
    }

    private static void AssertClose(string name, float[] expected, float[] actual, double tolerance)
    {
        Assert.True(expected.Length == actual.Length, $"{name}: {actual.Length} values, the golden has {expected.Length}");
        var worst = 0.0;
        var at = -1;
        for (var i = 0; i < expected.Length; i++)
        {
            var d = Math.Abs((double)expected[i] - actual[i]);
            if (!(d <= worst))
            {
                worst = d;
                at = i;
            }
        }

        Assert.True(worst <= tolerance, $"{name}: max |difference| {worst:G3} at {at} (golden {expected[Math.Max(at, 0)]}, C# {actual[Math.Max(at, 0)]}) exceeds {tolerance:G3}");
    }

    private sealed class Goldens
    {
        private readonly Dictionary<string, float[]> _floats = [];
        private readonly Dictionary<string, long[]> _shapes = [];
        private readonly Dictionary<string, (byte[] Bytes, DType DType)> _raw = [];

        public required string Question { get; init; }

        public required string GreedyAnswer { get; init; }

        public static Goldens Load()
        {
            var dir = TinyModel.Directory;
            using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "goldens.json")));
            var g = new Goldens
            {
                Question = json.RootElement.GetProperty("question").GetString()!,
                GreedyAnswer = json.RootElement.GetProperty("greedy_answer").GetString()!,
            };
            using var file = SafetensorsWeights.Open(Path.Combine(dir, "goldens.safetensors"));
            using var scope = new TensorScope();
            foreach (var name in file.Names)
            {
                var t = file.Get(name);
                g._shapes[name] = t.Shape;
                if (t.DType == DType.UInt8)
                {
                    g._raw[name] = (t.Contiguous().ToArray<byte>(), t.DType);
                }
                else
                {
                    g._floats[name] = t.To(DType.Float32).Contiguous().ToArray<float>();
                }
            }

            return g;
        }

        public float[] Floats(string name) => _floats[name];

        public long[] Shape(string name) => _shapes[name];

        /// <summary>A new tensor in the caller's scope.</summary>
        public Tensor Tensor(string name) => _raw.TryGetValue(name, out var raw)
            ? Torch.Torch.FromArray(raw.Bytes, _shapes[name])
            : Torch.Torch.FromArray(_floats[name], _shapes[name]);
    }
}
