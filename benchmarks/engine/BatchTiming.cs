using System.Diagnostics;
using FastAV.Live.Engine.Cache;
using FastAV.Live.Engine.Pruning;
using FastAV.Live.Engine.Running;
using FastAV.Live.Engine.Sessions;
using FastAV.Live.Models.Decoder;
using FastAV.Live.Torch;

namespace FastAV.Live.Engine.Benchmarks;

/// <summary>
/// Token-level batching across streams: one engine step of N streams' windows (or N answers' decode steps) as one
/// batched forward vs the same work one forward per stream — what LiveEngine does with BatchStreams on and off.
/// Both modes run on their own streams of identical history, alternating within each round; medians.
/// </summary>
internal static class BatchTiming
{
    public sealed record Level(int Streams, double IngestOneByOneMs, double IngestBatchedMs, double DecodeOneByOneMs, double DecodeBatchedMs)
    {
        public double IngestRatio => IngestBatchedMs / IngestOneByOneMs;

        public double DecodeRatio => DecodeBatchedMs / DecodeOneByOneMs;
    }

    public const int DecodeSteps = 8;

    /// <summary>A decoder, its windows' layout, the FastAV keep count at K and the per-layer KV budget.</summary>
    public sealed record Setup(string Name, DecoderConfig Config, StreamSessionOptions Windows, int MediaKept, int Budget)
    {
        /// <summary>Media tokens of a window plus its separator.</summary>
        public int WindowTokens => Windows.FramesPerWindow * Windows.TokensPerFrame + Windows.AudioTokensPerWindow + 1;
    }

    /// <summary>RunnerTiming's decoder (d 256, 8 layers) with 135-token windows (2 frames × 42 video + 50 audio + separator).</summary>
    public static readonly Setup Small = new(
        "small",
        RunnerTiming.Config,
        new StreamSessionOptions { FramesPerWindow = 2, TokensPerFrame = KvHourSimulation.VideoTokens / 2, AudioTokensPerWindow = KvHourSimulation.AudioTokens },
        MediaKept: 50,
        Budget: 1024);

    /// <summary>models/fastav-tiny's decoder geometry (d 64, 4 layers, random weights) with its 14-token windows
    /// (2 frames × 4 video + 5 audio + separator) and its trained context as the budget: per-op overhead dominates.</summary>
    public static readonly Setup Tiny = new(
        "fastav-tiny geometry",
        new DecoderConfig
        {
            HiddenSize = 64, IntermediateSize = 176, LayerCount = 4, AttentionHeadCount = 4, KeyValueHeadCount = 2, HeadDim = 16,
            VocabSize = 430, RmsNormEps = 1e-6, RopeTheta = 10000, MaxPositionEmbeddings = 1024, AttentionBias = true,
        },
        new StreamSessionOptions { FramesPerWindow = 2, TokensPerFrame = 4, AudioTokensPerWindow = 5 },
        MediaKept: 12,
        Budget: 96);

    public static IReadOnlyList<Level> Run(Setup setup, IReadOnlyList<int> streamCounts, int rounds)
    {
        var config = setup.Config;
        using var model = DecoderModel.Load(config, new RandomDecoderSource());
        var runner = new ModelRunner(model, new KeepFirstPolicy(new KeepFirstOptions { MediaTokensKept = setup.MediaKept }), new FinePruner());
        var geometry = setup.Windows;
        var tokens = setup.WindowTokens;
        var budget = setup.Budget;
        var random = new Random(5);
        long[] question = Enumerable.Range(0, 16).Select(_ => (long)random.Next(config.VocabSize)).ToArray();
        var options = RunnerTiming.CacheOptions(config, budget, (int)config.MaxPositionEmbeddings, Math.Max(tokens, question.Length), tokens);
        var levels = new List<Level>();
        foreach (var n in streamCounts)
        {
            // Two sets of streams, one per mode, fed the same windows: their caches stay alike.
            var sets = new[] { NewStreams(runner, options, question, n), NewStreams(runner, options, question, n) };
            var timeline = new StreamSession("windows", geometry);
            timeline.SetPrompt(question.Length);
            var ingest = new[] { new List<double>(), new List<double>() };
            var decode = new[] { new List<double>(), new List<double>() };
            try
            {
                // Warm-up: fill every cache to its budget (batched; not timed).
                for (var w = 0; w < budget / tokens + 2; w++)
                {
                    using var scope = new TensorScope();
                    var embeddings = Windows(n, tokens, config.HiddenSize);
                    var next = NextWindow(timeline);
                    foreach (var set in sets) Ingest(runner, set, embeddings, next, batched: true);
                }

                for (var round = 0; round < rounds; round++)
                {
                    using var scope = new TensorScope();
                    var embeddings = Windows(n, tokens, config.HiddenSize);
                    var next = NextWindow(timeline);
                    foreach (var mode in round % 2 == 0 ? new[] { 0, 1 } : [1, 0])
                    {
                        var clock = Stopwatch.StartNew();
                        Ingest(runner, sets[mode], embeddings, next, batched: mode == 1);
                        ingest[mode].Add(clock.Elapsed.TotalMilliseconds);
                    }

                    foreach (var mode in round % 2 == 0 ? new[] { 1, 0 } : [0, 1])
                    {
                        var answers = sets[mode].Select(s => runner.StartAnswer(s, question, DecodeSteps + 1)).ToList();
                        Check(ModelRunner.RunBatch(answers.Select(a => new AnswerStep(runner, a)).ToList(), []).AnswerFailures);
                        var clock = Stopwatch.StartNew();
                        for (var step = 0; step < DecodeSteps; step++) Decode(runner, answers, batched: mode == 1);
                        decode[mode].Add(clock.Elapsed.TotalMilliseconds / DecodeSteps);
                        foreach (var a in answers) runner.EndAnswer(a);
                    }
                }
            }
            finally
            {
                foreach (var s in sets.SelectMany(s => s)) s.Dispose();
            }

            levels.Add(new Level(n, RunnerTiming.Median(ingest[0]), RunnerTiming.Median(ingest[1]), RunnerTiming.Median(decode[0]), RunnerTiming.Median(decode[1])));
            Console.Error.WriteLine($"batching ({setup.Name}): {n} streams: ingest step {levels[^1].IngestOneByOneMs:0.0} → {levels[^1].IngestBatchedMs:0.0} ms, decode step {levels[^1].DecodeOneByOneMs:0.0} → {levels[^1].DecodeBatchedMs:0.0} ms");
        }

        return levels;
    }

    private static List<StreamKv> NewStreams(ModelRunner runner, RollingKvCacheOptions options, long[] prompt, int n)
    {
        var streams = new List<StreamKv>();
        for (var i = 0; i < n; i++)
        {
            streams.Add(runner.CreateStream(options, new StreamingLlmEviction()));
            runner.PrefillPrompt(streams[^1], prompt);
        }

        return streams;
    }

    private static Tensor[] Windows(int n, int tokens, int hidden) =>
        Enumerable.Range(0, n).Select(_ => Torch.Torch.Randn([tokens, hidden]).Mul(0.5)).ToArray();

    // The next window of the shared timeline (every stream of a level sees windows at the same places).
    private static Window NextWindow(StreamSession timeline)
    {
        timeline.AddWindow(timeline.WindowCount * timeline.Options.WindowSeconds);
        timeline.TryTakePending(out var window);
        return window;
    }

    private static void Ingest(ModelRunner runner, List<StreamKv> streams, Tensor[] embeddings, Window window, bool batched)
    {
        var work = streams.Select((s, i) => new WindowPrefill(runner, s, embeddings[i], window)).ToList();
        if (batched) Check(ModelRunner.RunBatch([], work).PrefillFailures);
        else foreach (var w in work) Check(ModelRunner.RunBatch([], [w]).PrefillFailures);
    }

    private static void Decode(ModelRunner runner, List<AnswerInProgress> answers, bool batched)
    {
        var steps = answers.Select(a => new AnswerStep(runner, a)).ToList();
        if (batched) Check(ModelRunner.RunBatch(steps, []).AnswerFailures);
        else foreach (var s in steps) Check(ModelRunner.RunBatch([s], []).AnswerFailures);
    }

    private static void Check(IReadOnlyList<Exception?> failures)
    {
        if (failures.FirstOrDefault(f => f is not null) is { } failure) throw new InvalidOperationException("benchmark work failed", failure);
    }
}
