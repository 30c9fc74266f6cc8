using System.Diagnostics;
using System.Text.Json.Nodes;
using FastAV.Live.Engine;
using FastAV.Live.Engine.Cache;
using FastAV.Live.Engine.Pruning;
using FastAV.Live.Engine.Running;
using FastAV.Live.Models.Decoder;
using FastAV.Live.Models.Loading;
using FastAV.Live.Torch;

namespace FastAV.Live.Gpu.Benchmarks;

/// <summary>
/// ModelRunner on a device: unpruned vs FastAV over the same 154-token windows (the camera-scale counts: 2 × 64 video + 25
/// audio + separator) read from gpu_peer.py's inputs, so Hugging Face's Qwen2ForCausalLM gets the very same embeddings.
/// Per configuration: median window prefill latency (first window untimed), time to the first answer token of a 16-token
/// question on the cache, decode ms per token over 32 tokens, peak device memory. Random weights — timing only.
/// </summary>
internal static class EngineCheck
{
    private const int VideoTokens = 128, AudioTokens = 25, DecodeTokens = 32;

    public static DecoderConfig Geometry(string name) => name switch
    {
        // Qwen2-7B (the LLM of VideoLLaMA2 and video-SALMONN2): 28 layers, hidden 3584, 28/4 heads of 128, FFN 18944.
        "qwen2-7b" => new DecoderConfig
        {
            HiddenSize = 3584, IntermediateSize = 18944, LayerCount = 28, AttentionHeadCount = 28, KeyValueHeadCount = 4,
            VocabSize = 152064, AttentionBias = true, TieWordEmbeddings = false, RmsNormEps = 1e-6, RopeTheta = 1e6, MaxPositionEmbeddings = 32768,
        },
        // For dry runs on a CPU: the same code paths at FastAV-Tiny's size.
        _ => new DecoderConfig
        {
            HiddenSize = 64, IntermediateSize = 176, LayerCount = 4, AttentionHeadCount = 4, KeyValueHeadCount = 2,
            VocabSize = 430, AttentionBias = true, TieWordEmbeddings = true, RmsNormEps = 1e-6, RopeTheta = 1e6, MaxPositionEmbeddings = 4096,
        },
    };

    public static int Run(CheckOptions options)
    {
        var config = Geometry(options.Geometry);
        var isCuda = options.Device.Type == DeviceType.Cuda;
        using var inputs = SafetensorsFile.Open(options.Inputs);
        using var all = inputs.Load("windows");  // [W, 154, hidden]
        var prompt = inputs.Load("prompt").To(DType.Int64).ToArray<long>();
        var question = inputs.Load("question").To(DType.Int64).ToArray<long>();
        var windows = options.Windows > 0 ? Math.Min(options.Windows, (int)all.Size(0)) : (int)all.Size(0);
        var kinds = Enumerable.Repeat(TokenKind.Video, VideoTokens).Concat(Enumerable.Repeat(TokenKind.Audio, AudioTokens)).Append(TokenKind.Separator).ToArray();
        if (all.Size(1) != kinds.Length || all.Size(2) != config.HiddenSize)
        {
            throw new InvalidDataException($"{options.Inputs}: windows are [{string.Join(", ", all.Shape)}], expected [W, {kinds.Length}, {config.HiddenSize}]");
        }

        var load = Stopwatch.StartNew();
        using var model = DecoderModel.Load(config, new DeviceRandomWeights(options.Device, options.DType));
        Synchronize(options.Device);
        var loadSeconds = load.Elapsed.TotalSeconds;
        var k = config.LayerCount / 2;
        var kept = (VideoTokens + AudioTokens + 1) / 2; // 77 of 153: the camera-scale keep_rule
        var runners = new (string Name, ModelRunner Runner)[]
        {
            ("unpruned", new ModelRunner(model)),
            ($"FastAV (keep-first {kept} at K = {k}, P = 20%)", new ModelRunner(model, new KeepFirstPolicy(new KeepFirstOptions { MediaTokensKept = kept, Layer = k }), new FinePruner())),
        };

        // The whole stream fits the budget (no eviction), as in the peer's growing cache.
        var bytes = options.DType == DType.BFloat16 ? 2 : 4;
        var cache = new RollingKvCacheOptions
        {
            LayerCount = config.LayerCount,
            BytesPerTokenPerLayer = 2L * config.KeyValueHeadCount * config.ResolvedHeadDim * bytes,
            Budget = new KvBudget { MaxTokens = prompt.Length + (windows * kinds.Length) + 64 },
            MaxPositions = (int)Math.Min(8192, config.MaxPositionEmbeddings),
            MaxBlockSpan = kinds.Length,
            QuestionReserve = 64,
        };

        var rows = new JsonArray();
        foreach (var (name, runner) in runners)
        {
            if (isCuda) Cuda.ResetPeakMemoryStats(options.Device.Index);
            using var stream = runner.CreateStream(cache, new StreamingLlmEviction());
            runner.PrefillPrompt(stream, prompt);
            long timeline = prompt.Length;
            var prefill = new List<double>();
            double ratio = 1;
            for (var w = 0; w < windows; w++)
            {
                using var scope = new TensorScope();
                var embeddings = all.Select(0, w).To(options.Device, options.DType);
                Synchronize(options.Device);
                var clock = Stopwatch.StartNew();
                var result = runner.Prefill(stream, embeddings, kinds, timeline, new double[kinds.Length], w);
                Synchronize(options.Device);
                if (w > 0) prefill.Add(clock.Elapsed.TotalMilliseconds);
                ratio = result.Flops.Ratio;
                timeline += kinds.Length;
            }

            var first = Stopwatch.StartNew();
            runner.Answer(stream, question, maxNewTokens: 1);
            Synchronize(options.Device);
            var ttft = first.Elapsed.TotalMilliseconds;
            var full = Stopwatch.StartNew();
            var answer = runner.Answer(stream, question, maxNewTokens: DecodeTokens + 1);
            Synchronize(options.Device);
            var perToken = (full.Elapsed.TotalMilliseconds - ttft) / Math.Max(1, answer.Tokens.Length - 1);
            rows.Add((JsonNode)new JsonObject
            {
                ["configuration"] = name,
                ["window_prefill_ms"] = Math.Round(Median(prefill), 3),
                ["time_to_first_token_ms"] = Math.Round(ttft, 3),
                ["decode_ms_per_token"] = Math.Round(perToken, 3),
                ["peak_device_bytes"] = isCuda ? Cuda.MaxMemoryAllocated(options.Device.Index) : null,
                ["window_flops_ratio"] = Math.Round(ratio, 4),
                ["cached_tokens_layer0"] = stream.Cache.Layer(0).Count,
                ["cached_tokens_last_layer"] = stream.Cache.Layer(config.LayerCount - 1).Count,
            });
            Console.WriteLine($"{name}: window prefill {Median(prefill):F2} ms, first token {ttft:F2} ms, decode {perToken:F2} ms/token");
        }

        var report = new JsonObject
        {
            ["check"] = "engine",
            ["implementation"] = "FastAV.Live (C# over libtorch through fastav_torch)",
            ["device"] = OpCheck.DeviceName(options.Device),
            ["libtorch"] = Torch.Torch.Version,
            ["dtype"] = options.DType == DType.BFloat16 ? "bf16" : "fp32",
            ["geometry"] = options.Geometry,
            ["weights"] = "random weights (seeded), made on the device",
            ["weights_load_seconds"] = Math.Round(loadSeconds, 2),
            ["window_tokens"] = kinds.Length,
            ["windows"] = windows,
            ["prompt_tokens"] = prompt.Length,
            ["question_tokens"] = question.Length,
            ["decode_tokens"] = DecodeTokens,
            ["rows"] = rows,
        };
        File.WriteAllText(options.Output, report.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }) + "\n");
        return 0;
    }

    private static void Synchronize(Device device)
    {
        if (device.Type == DeviceType.Cuda) Cuda.Synchronize(device.Index);
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? 0 : (sorted[(sorted.Length - 1) / 2] + sorted[sorted.Length / 2]) / 2;
    }
}
