using System.Globalization;
using FastAV.Live.Engine.Cache;
using FastAV.Live.Engine.Pruning;
using FastAV.Live.Engine.Running;
using FastAV.Live.Engine.Scheduling;
using FastAV.Live.Engine.Sessions;
using FastAV.Live.Models.Decoder;
using FastAV.Live.Torch;

namespace FastAV.Live.Engine.Tests.Running;

/// <summary>
/// Token-level batching: one forward for a step's answers and windows across streams with their own pruning, checked
/// against the same work run one piece at a time (tolerance 1e-5 on every float; kept sets and tokens exact).
/// </summary>
public sealed class BatchedStepTests : IDisposable
{
    private const double Tolerance = 1e-5;


    private readonly TinyDecoder _tiny = new();

    public void Dispose() => _tiny.Dispose();

    // Each stream prunes its own way: none, FastAV (keep-first + fine), FastV, and DART (keys) with a stronger fine cut.
    private ModelRunner[] Runners() =>
    [
        new(_tiny.Model),
        new(_tiny.Model, new KeepFirstPolicy(new KeepFirstOptions { MediaTokensKept = 5 }), new FinePruner()),
        new(_tiny.Model, new FastVPolicy(new FastVOptions { Layer = 1, DropRatio = 0.5 })),
        new(_tiny.Model, new DartPolicy(new DartOptions { KeepRatio = 0.5, PivotCount = 2 }), new FinePruner(new FinePrunerOptions { DropRatio = 0.4 })),
    ];

    [Fact]
    public void OneForwardForAnswersAndWindowsOfStreamsWithTheirOwnPruningEqualsEachAlone()
    {
        using var scope = new TensorScope();
        var runners = Runners();
        var batched = Streams(runners);
        var alone = Streams(runners);
        var windows = new Window[runners.Length];
        for (var i = 0; i < runners.Length; i++)
        {
            var session = new StreamSession($"s{i}", TinyDecoder.WindowGeometry);
            session.SetPrompt(TinyDecoder.Prompt.Length);
            windows[i] = session.AddWindow(0);
        }

        // A fifth and sixth stream answer questions: one decoding (its question prefilled before), one starting now.
        var answerRunner = runners[1];
        var (decodingB, decodingA) = (Stream(answerRunner), Stream(answerRunner));
        var (startingB, startingA) = (Stream(answerRunner), Stream(answerRunner));
        var inFlightB = answerRunner.BeginAnswer(decodingB, [9, 2, 6], 5);
        var inFlightA = answerRunner.BeginAnswer(decodingA, [9, 2, 6], 5);
        var newB = answerRunner.StartAnswer(startingB, [7, 7, 1, 8], 5);

        var result = ModelRunner.RunBatch(
            [new AnswerStep(answerRunner, inFlightB), new AnswerStep(answerRunner, newB)],
            windows.Select((w, i) => new WindowPrefill(runners[i], batched[i], _tiny.EmbedWindow(w), w, i == 1 ? [9, 2, 6] : null)).ToList());
        Assert.Equal(1, result.ForwardPasses);
        Assert.All(result.AnswerFailures, Assert.Null);
        Assert.All(result.PrefillFailures, Assert.Null);

        // The same work, one forward each.
        answerRunner.DecodeStep(inFlightA);
        var newA = answerRunner.BeginAnswer(startingA, [7, 7, 1, 8], 5);
        Assert.Equal(inFlightA.Tokens, inFlightB.Tokens);
        Assert.Equal(newA.Tokens, newB.Tokens);
        for (var i = 0; i < runners.Length; i++)
        {
            var expected = runners[i].PrefillWindow(alone[i], _tiny.EmbedWindow(windows[i]), windows[i], i == 1 ? [9, 2, 6] : null);
            var actual = result.Prefills[i]!;
            for (var l = 0; l < 4; l++)
            {
                Assert.Equal(expected.KeptPerLayer[l], actual.KeptPerLayer[l]);
                Near(expected.BlockScores[l], actual.BlockScores[l], $"stream {i} layer {l} scores");
            }

            Near(expected.LastLogits, actual.LastLogits, $"stream {i} logits");
            Assert.Equal(expected.Flops.TokensPerLayer, actual.Flops.TokensPerLayer);
            Assert.Equal(expected.Flops.Ratio, actual.Flops.Ratio, 12);
            SameState(alone[i], batched[i], $"stream {i}");
        }

        SameState(decodingA, decodingB, "decoding stream");
        SameState(startingA, startingB, "starting stream");
        Assert.True(result.Prefills[1]!.KeptPerLayer[3].Length < windows[1].TokenCount, "FastAV pruned its window in the batch");
        foreach (var s in batched.Concat(alone).Append(decodingA).Append(decodingB).Append(startingA).Append(startingB)) s.Dispose();
    }

    [Fact]
    public void AFailingPieceOfWorkFailsAloneAndLeavesItsStreamAsItWas()
    {
        using var scope = new TensorScope();
        var good = new ModelRunner(_tiny.Model, new KeepFirstPolicy(new KeepFirstOptions { MediaTokensKept = 5 }), new FinePruner());
        var hostile = new ModelRunner(_tiny.Model, new FixedAnswerPolicy([0, 99]));
        var streams = new[] { Stream(good), Stream(hostile), Stream(good), Stream(good) };
        var reference = Stream(good);
        var session = new StreamSession("s", TinyDecoder.WindowGeometry);
        session.SetPrompt(TinyDecoder.Prompt.Length);
        var window = session.AddWindow(0);
        var before = streams.Select(StreamSnapshot.Of).ToArray();
        var ended = good.StartAnswer(streams[3], [9, 2], 1);
        good.EndAnswer(ended);

        var result = ModelRunner.RunBatch(
            [new AnswerStep(good, ended)],
            [
                new WindowPrefill(good, streams[0], _tiny.EmbedWindow(window), window),
                new WindowPrefill(hostile, streams[1], _tiny.EmbedWindow(window), window),            // its policy answers rows out of range
                new WindowPrefill(good, streams[2], _tiny.EmbedWindow(window).To(DType.Float64), window), // embeddings in the wrong dtype
            ]);

        Assert.Equal(1, result.ForwardPasses);
        Assert.IsType<InvalidOperationException>(result.AnswerFailures[0]);
        Assert.Null(result.PrefillFailures[0]);
        Assert.IsType<InvalidOperationException>(result.PrefillFailures[1]);
        Assert.IsType<ArgumentException>(result.PrefillFailures[2]);
        Assert.Null(result.Prefills[1]);
        Assert.Equal(before[1], StreamSnapshot.Of(streams[1]));
        Assert.Equal(before[2], StreamSnapshot.Of(streams[2]));
        Assert.Equal(before[3], StreamSnapshot.Of(streams[3]));
        var expected = good.PrefillWindow(reference, _tiny.EmbedWindow(window), window);
        Assert.Equal(expected.KeptPerLayer, result.Prefills[0]!.KeptPerLayer);
        SameState(reference, streams[0], "the good stream");

        // Work on one model only, one piece per stream.
        using var otherTiny = new TinyDecoder(seed: 9);
        var other = new ModelRunner(otherTiny.Model);
        using var foreign = other.CreateStream(_tiny.CacheOptions(), new StreamingLlmEviction());
        Assert.Throws<ArgumentException>(() => ModelRunner.RunBatch([], [new WindowPrefill(good, streams[0], _tiny.EmbedWindow(window), window), new WindowPrefill(other, foreign, _tiny.EmbedWindow(window), window)]));
        Assert.Throws<ArgumentException>(() => ModelRunner.RunBatch([], [new WindowPrefill(good, streams[0], _tiny.EmbedWindow(window), window), new WindowPrefill(good, streams[0], _tiny.EmbedWindow(window), window)]));
        foreach (var s in streams.Append(reference)) s.Dispose();
    }

    [Fact]
    public void WhenTheSharedForwardFailsEveryRunStartsOverAloneAndOnlyTheCulpritFails()
    {
        using var scope = new TensorScope();
        var model = _tiny.Model;
        using var a = model.CreateCache();
        using var b = model.CreateCache();
        using var c = model.CreateCache();
        using var expectedA = model.CreateCache();
        using var expectedC = model.CreateCache();
        var runA = new ScriptedRun(model, a, [3, 1, 4]);
        var culprit = new ScriptedRun(model, b, [1, 5], brokenAtLayer: 2);
        var runC = new ScriptedRun(model, c, [9, 2, 6, 5]);

        var passes = Lockstep.Run([runA, culprit, runC]);

        // One shared pass that broke at layer 2, then each run alone: A and C finish, the culprit fails again alone.
        Assert.Equal(4, passes);
        Assert.Null(runA.Failure);
        Assert.Null(runC.Failure);
        Assert.IsType<ArgumentException>(culprit.Failure);
        Assert.Equal([0, 0, 0, 0], b.Counts());
        var alone = new[] { (runA, expectedA), (runC, expectedC) };
        foreach (var (run, cache) in alone)
        {
            var logits = model.Forward(run.Ids, Enumerable.Range(0, run.Ids.Length).Select(i => (long)i).ToArray(), cache);
            Near(logits.Narrow(0, run.Ids.Length - 1, 1).ToArray<float>(), run.Logits!, "logits after the rerun");
            Assert.Equal(cache.Counts(), run.Cache.Counts());
        }
    }

    [Fact]
    public void BatchedAndOneByOneEnginesGiveTheSameAnswersAndPrefills()
    {
        var batched = RunEngine(batch: true, out var batchedSteps);
        var oneByOne = RunEngine(batch: false, out var oneByOneSteps);

        Assert.Equal(oneByOne.Answers.Keys.Order(), batched.Answers.Keys.Order());
        Assert.True(batched.Answers.Count >= 8, $"{batched.Answers.Count} answers");
        foreach (var (id, tokens) in oneByOne.Answers) Assert.Equal(tokens, batched.Answers[id]);
        Assert.Equal(oneByOne.Kept, batched.Kept);

        // Batched: every step with work took one forward, and steps carried work of several streams at once.
        Assert.All(batchedSteps, s => Assert.Equal(s.Work > 0 ? 1 : 0, s.Passes));
        Assert.Contains(batchedSteps, s => s.Work >= 4);
        Assert.All(oneByOneSteps, s => Assert.Equal(s.Work, s.Passes));
    }

    private (Dictionary<string, long[]> Answers, List<string> Kept) RunEngine(bool batch, out List<(int Work, int Passes)> steps)
    {
        var runners = Runners();
        var scheduler = new Scheduler(new SchedulerOptions { MaxBatchTokens = 256, MaxBacklogSeconds = 100 });
        using var engine = new LiveEngine(runners[0], scheduler, _tiny.EmbedWindow, new LiveEngineOptions { BatchStreams = batch, StandingAnswerMaxTokens = 3 });
        var sessions = new List<StreamSession>();
        for (var i = 0; i < runners.Length; i++)
        {
            var session = new StreamSession($"s{i}", TinyDecoder.WindowGeometry);
            session.AddStandingQuestion(new StandingQuestion { Id = "door", TokenIds = [9, 2, 6], PeriodSeconds = 2 + i });
            engine.AddStream(session, _tiny.CacheOptions(), new StreamingLlmEviction(), TinyDecoder.Prompt, runners[i]);
            for (var w = 0; w < 6; w++) session.AddWindow(w);
            sessions.Add(session);
        }

        engine.Ask("s2", "ad-hoc", [7, 7, 1], maxNewTokens: 4);
        var answers = new Dictionary<string, long[]>();
        var kept = new List<string>();
        steps = [];
        for (var guard = 0; guard < 200; guard++)
        {
            var step = engine.Step();
            if (step.Batch.IsEmpty) break;
            Assert.Empty(step.Failures);
            steps.Add((step.Batch.DecodeSteps.Count + step.Batch.QuestionPrefills.Count + step.Batch.WindowPrefills.Count, step.ForwardPasses));
            foreach (var a in step.Answers) answers.Add(a.QuestionId, a.Result.Tokens);
            foreach (var (stream, window, result) in step.Prefills) kept.Add($"{stream}@{window}: {string.Join("/", result.KeptPerLayer.Select(k => string.Join(",", k)))}");
        }

        Assert.All(sessions, s => Assert.Equal(6, s.TakenWindowCount));
        return (answers, kept);
    }

    private StreamKv[] Streams(ModelRunner[] runners) => runners.Select(Stream).ToArray();

    private StreamKv Stream(ModelRunner runner)
    {
        var stream = runner.CreateStream(_tiny.CacheOptions(), new StreamingLlmEviction());
        runner.PrefillPrompt(stream, TinyDecoder.Prompt);
        return stream;
    }

    private static void SameState(StreamKv expected, StreamKv actual, string name)
    {
        using var scope = new TensorScope();
        for (var l = 0; l < expected.Tensors.LayerCount; l++)
        {
            Assert.Equal(expected.Tensors[l].Positions.ToArray(), actual.Tensors[l].Positions.ToArray());
            Near(expected.Tensors[l].Keys().Contiguous().ToArray<float>(), actual.Tensors[l].Keys().Contiguous().ToArray<float>(), $"{name} layer {l} keys");
            Near(expected.Tensors[l].Values().Contiguous().ToArray<float>(), actual.Tensors[l].Values().Contiguous().ToArray<float>(), $"{name} layer {l} values");
            var rowsE = expected.Cache.Layer(l).Rows.ToArray();
            var rowsA = actual.Cache.Layer(l).Rows.ToArray();
            Assert.Equal(rowsE.Select(r => (r.TimelineIndex, r.Kind, r.Window, r.Position)), rowsA.Select(r => (r.TimelineIndex, r.Kind, r.Window, r.Position)));
            Near(rowsE.Select(r => (float)r.Score).ToArray(), rowsA.Select(r => (float)r.Score).ToArray(), $"{name} layer {l} scores");
        }
    }

    private static void Near(float[] expected, float[] actual, string name)
    {
        Assert.Equal(expected.Length, actual.Length);
        var worst = expected.Zip(actual, (x, y) => Math.Abs((double)x - y)).DefaultIfEmpty(0).Max();
        Assert.True(worst <= Tolerance, string.Create(CultureInfo.InvariantCulture, $"{name}: max abs diff {worst:g3} > {Tolerance:g3}"));
    }

    /// <summary>Fault injection for the lockstep driver: plain ids through every layer, optionally handing the layer a
    /// block of the wrong width at one layer (a failure only the shared forward sees).</summary>
    private sealed class ScriptedRun(DecoderModel model, DecoderKvCache cache, long[] ids, int brokenAtLayer = -1) : LayerRun(model, cache)
    {
        private readonly Tensor _embedded = model.Embed(ids);

        public long[] Ids => ids;

        public float[]? Logits { get; private set; }

        public override DecoderBlock Enter(int layer)
        {
            Hidden ??= _embedded;
            var hidden = layer == brokenAtLayer ? Torch.Torch.Zeros([ids.Length, Model.Config.HiddenSize + 1]) : Hidden;
            return new DecoderBlock { Hidden = hidden, Positions = Enumerable.Range(0, ids.Length).Select(i => (long)i).ToArray(), Cache = Cache };
        }

        public override void Complete(float[] lastLogits) => Logits = lastLogits;

        public override void Restart()
        {
            base.Restart();
            Hidden = _embedded;
        }
    }
}
