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

    public const int Budget = 1024;
    public const int DecodeSteps = 8;

    public static IReadOnlyList<Level> Run(IReadOnlyList<int> streamCounts, int rounds)
    {
        var config = RunnerTiming.Config;
        using var model = DecoderModel.Load(config, new RandomDecoderSource());
        var runner = new ModelRunner(model, new KeepFirstPolicy(new KeepFirstOptions { MediaTokensKept = 50 }), new FinePruner());
        // The windows' token layout: 2 frames × 42 video tokens + 50 audio + separator = 135 tokens, as RunnerTiming.
        var geometry = new StreamSessionOptions { FramesPerWindow = 2, TokensPerFrame = KvHourSimulation.VideoTokens / 2, AudioTokensPerWindow = KvHourSimulation.AudioTokens };
        var tokens = KvHourSimulation.WindowTokens;
        var options = new RollingKvCacheOptions
        {
            LayerCount = config.LayerCount,
            BytesPerTokenPerLayer = 2L * config.KeyValueHeadCount * config.ResolvedHeadDim * 4,
            Budget = new KvBudget { MaxTokens = Budget },
            MaxPositions = 8192,
            MaxBlockSpan = tokens,
            QuestionReserve = 64,
            EvictionHeadroom = 2 * tokens,
        };
        var random = new Random(5);
        long[] question = Enumerable.Range(0, 16).Select(_ => (long)random.Next(config.VocabSize)).ToArray();
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
                for (var w = 0; w < Budget / tokens + 2; w++)
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

            levels.Add(new Level(n, Median(ingest[0]), Median(ingest[1]), Median(decode[0]), Median(decode[1])));
            Console.Error.WriteLine($"batching: {n} streams: ingest step {levels[^1].IngestOneByOneMs:0.0} → {levels[^1].IngestBatchedMs:0.0} ms, decode step {levels[^1].DecodeOneByOneMs:0.0} → {levels[^1].DecodeBatchedMs:0.0} ms");
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

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? 0 : (sorted[(sorted.Length - 1) / 2] + sorted[sorted.Length / 2]) / 2;
    }
}
