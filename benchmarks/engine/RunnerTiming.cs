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

    public sealed record Timing(string Name, double IngestMs, double TimeToFirstTokenMs, double PerTokenMs, double FlopsRatio, int CachedTokensLayer0, int CachedTokensLastLayer);

    public static IReadOnlyList<Timing> Run(int windows, int rounds)
    {
        using var model = DecoderModel.Load(Config, new RandomDecoderSource());
        var kinds = Enumerable.Repeat(TokenKind.Video, KvHourSimulation.VideoTokens)
            .Concat(Enumerable.Repeat(TokenKind.Audio, KvHourSimulation.AudioTokens)).Append(TokenKind.Separator).ToArray();
        var runners = new[]
        {
            ("unpruned", new ModelRunner(model)),
            ("FastAV (keep-first 50 at K = 4, P = 20%)", new ModelRunner(model, new KeepFirstPolicy(new KeepFirstOptions { MediaTokensKept = 50 }), new FinePruner())),
        };
        var options = CacheOptions(Config, budget: 2048, maxPositions: 8192, blockSpan: kinds.Length, windowTokens: kinds.Length);

        var ingest = runners.Select(_ => new List<double>()).ToArray();
        var ttft = runners.Select(_ => new List<double>()).ToArray();
        var perToken = runners.Select(_ => new List<double>()).ToArray();
        var ratio = new double[runners.Length];
        var cached = new (int First, int Last)[runners.Length];
        var random = new Random(3);
        long[] question = Enumerable.Range(0, 16).Select(_ => (long)random.Next(1000)).ToArray();
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
                    var embeddings = Torch.Torch.Randn([kinds.Length, Config.HiddenSize]).Mul(0.5);
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
                cached[r] = (stream.Cache.Layer(0).Count, stream.Cache.Layer(Config.LayerCount - 1).Count);
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
