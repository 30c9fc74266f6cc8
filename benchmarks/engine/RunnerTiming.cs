using System.Diagnostics;
using FastAV.Live.Engine.Cache;
using FastAV.Live.Engine.Pruning;
using FastAV.Live.Engine.Running;
using FastAV.Live.Models.Decoder;
using FastAV.Live.Torch;

namespace FastAV.Live.Engine.Benchmarks;

/// <summary>
/// Window ingest and answer latency through ModelRunner on a small random decoder, FastAV vs unpruned, rounds
/// alternating between the two in one process so machine load hits both alike. Medians.
/// </summary>
internal static class RunnerTiming
{
    public static readonly DecoderConfig Config = new()
    {
        HiddenSize = 256, IntermediateSize = 688, LayerCount = 8, AttentionHeadCount = 4, KeyValueHeadCount = 2,
        VocabSize = 1000, RmsNormEps = 1e-6, RopeTheta = 10000, MaxPositionEmbeddings = 32768,
    };

    /// <summary>One decoder and window layout to time: FastAV keeps <paramref name="Kept"/> media tokens at layer K (null: L/2), then P = 20 %.</summary>
    public sealed record Setup(string Name, DecoderConfig Config, int VideoTokens, int AudioTokens, int Kept, int? GlobalLayer, int Budget)
    {
        public int WindowTokens => VideoTokens + AudioTokens + 1;
    }

    /// <summary>The small decoder of earlier runs: 8 layers, d 256, VideoLLaMA2.1-AV's ≈ 135 tokens per second.</summary>
    public static readonly Setup Small = new("small: 8 layers, d 256, 135-token windows", Config, KvHourSimulation.VideoTokens, KvHourSimulation.AudioTokens, 50, null, 2048);

    /// <summary>The camera-scale model's decoder and windows (scripts/make-camera-model.py's defaults: hidden 256, FFN 768; random weights — capacity only).</summary>
    public static readonly Setup CameraScale = new(
        "camera-scale (random weights — capacity only): 28 layers, d 256, FFN 768, 4/2 heads, 154-token windows (2 × 64 video + 25 audio + separator), keep 77 at K = 14",
        new DecoderConfig
        {
            HiddenSize = 256, IntermediateSize = 768, LayerCount = 28, AttentionHeadCount = 4, KeyValueHeadCount = 2,
            VocabSize = 430, RmsNormEps = 1e-6, RopeTheta = 1e6, MaxPositionEmbeddings = 4096, AttentionBias = true,
        },
        128, 25, 77, 14, 1240);

    public sealed record Timing(string Name, double IngestMs, double TimeToFirstTokenMs, double PerTokenMs, double FlopsRatio, int CachedTokensLayer0, int CachedTokensLastLayer);

    public static IReadOnlyList<Timing> Run(int windows, int rounds) => Run(Small, windows, rounds);

    public static IReadOnlyList<Timing> Run(Setup setup, int windows, int rounds)
    {
        var config = setup.Config;
        using var model = DecoderModel.Load(config, new RandomDecoderSource());
        var kinds = Enumerable.Repeat(TokenKind.Video, setup.VideoTokens)
            .Concat(Enumerable.Repeat(TokenKind.Audio, setup.AudioTokens)).Append(TokenKind.Separator).ToArray();
        var k = setup.GlobalLayer ?? config.LayerCount / 2;
        var runners = new[]
        {
            ("unpruned", new ModelRunner(model)),
            ($"FastAV (keep-first {setup.Kept} at K = {k}, P = 20%)", new ModelRunner(model, new KeepFirstPolicy(new KeepFirstOptions { MediaTokensKept = setup.Kept, Layer = setup.GlobalLayer }), new FinePruner())),
        };
        var options = CacheOptions(config, budget: setup.Budget, maxPositions: (int)Math.Min(8192, config.MaxPositionEmbeddings), blockSpan: kinds.Length, windowTokens: kinds.Length);

        var ingest = runners.Select(_ => new List<double>()).ToArray();
        var ttft = runners.Select(_ => new List<double>()).ToArray();
        var perToken = runners.Select(_ => new List<double>()).ToArray();
        var ratio = new double[runners.Length];
        var cached = new (int First, int Last)[runners.Length];
        var random = new Random(3);
        long[] question = Enumerable.Range(0, 16).Select(_ => (long)random.Next(config.VocabSize)).ToArray();
        for (var round = 0; round < rounds; round++)
        {
            for (var r = 0; r < runners.Length; r++)
            {
                var runner = runners[r].Item2;
                using var stream = runner.CreateStream(options, new StreamingLlmEviction());
                runner.PrefillPrompt(stream, question);
                long timeline = question.Length;
                for (var w = 0; w < windows; w++)
                {
                    using var scope = new TensorScope();
                    var embeddings = Torch.Torch.Randn([kinds.Length, config.HiddenSize]).Mul(0.5);
                    var clock = Stopwatch.StartNew();
                    var result = runner.Prefill(stream, embeddings, kinds, timeline, new double[kinds.Length], w);
                    if (w > 0) ingest[r].Add(clock.Elapsed.TotalMilliseconds);
                    ratio[r] = result.Flops.Ratio;
                    timeline += kinds.Length;
                }

                var first = Stopwatch.StartNew();
                runner.Answer(stream, question, maxNewTokens: 1);
                ttft[r].Add(first.Elapsed.TotalMilliseconds);
                var full = Stopwatch.StartNew();
                var answer = runner.Answer(stream, question, maxNewTokens: 17);
                perToken[r].Add((full.Elapsed.TotalMilliseconds - ttft[r][^1]) / (answer.Tokens.Length - 1));
                cached[r] = (stream.Cache.Layer(0).Count, stream.Cache.Layer(config.LayerCount - 1).Count);
            }
        }

        return runners.Select((r, i) => new Timing(r.Item1, Median(ingest[i]), Median(ttft[i]), Median(perToken[i]), ratio[i], cached[i].First, cached[i].Last)).ToList();
    }

    /// <summary>A float32 stream cache for <paramref name="config"/>: the budget per layer, room for a block and a 64-token
    /// question, and eviction headroom of two windows.</summary>
    internal static RollingKvCacheOptions CacheOptions(DecoderConfig config, int budget, int maxPositions, int blockSpan, int windowTokens) => new()
    {
        LayerCount = config.LayerCount,
        BytesPerTokenPerLayer = 2L * config.KeyValueHeadCount * config.ResolvedHeadDim * 4,
        Budget = new KvBudget { MaxTokens = budget },
        MaxPositions = maxPositions,
        MaxBlockSpan = blockSpan,
        QuestionReserve = 64,
        EvictionHeadroom = 2 * windowTokens,
    };

    internal static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? 0 : (sorted[(sorted.Length - 1) / 2] + sorted[sorted.Length / 2]) / 2;
    }
}
