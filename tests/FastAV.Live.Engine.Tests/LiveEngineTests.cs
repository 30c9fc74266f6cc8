using FastAV.Live.Engine.Cache;
using FastAV.Live.Engine.Pruning;
using FastAV.Live.Engine.Running;
using FastAV.Live.Engine.Scheduling;
using FastAV.Live.Engine.Sessions;
using FastAV.Live.Engine.Tests.Running;
using FastAV.Live.Torch;

namespace FastAV.Live.Engine.Tests;

public sealed class LiveEngineTests : IDisposable
{
    private static readonly long[] Question = [9, 2, 6, 5];

    private readonly TinyDecoder _tiny = new();

    public void Dispose() => _tiny.Dispose();

    private ModelRunner Runner() => new(_tiny.Model, new KeepFirstPolicy(new KeepFirstOptions { MediaTokensKept = 5 }), new FinePruner());

    [Fact]
    public void StreamsAreIngestedAndAnsweredAheadOfIngest()
    {
        var scheduler = new Scheduler(new SchedulerOptions { MaxBatchTokens = 40, MaxBacklogSeconds = 100 });
        using var engine = new LiveEngine(Runner(), scheduler, _tiny.EmbedWindow);
        var sessions = new[] { "a", "b", "c" }.Select(id => new StreamSession(id, TinyDecoder.WindowGeometry)).ToArray();
        foreach (var s in sessions)
        {
            engine.AddStream(s, _tiny.CacheOptions(), new StreamingLlmEviction(), TinyDecoder.Prompt);
            for (var w = 0; w < 4; w++) s.AddWindow(w);
        }

        engine.Ask("b", "q1", Question, maxNewTokens: 3);
        var steps = new List<EngineStep>();
        for (var guard = 0; guard < 100; guard++)
        {
            var step = engine.Step();
            if (step.Batch.IsEmpty) break;
            Assert.Empty(step.Failures);
            steps.Add(step);
        }

        // The question's prefill came first, before any window of its stream; it decoded over the next steps.
        Assert.Equal(["q1"], steps[0].Batch.QuestionPrefills.Select(q => q.Id));
        Assert.DoesNotContain(steps[0].Batch.WindowPrefills, w => w.Session.Id == "b");
        var answered = steps.SelectMany(s => s.Answers).Single();
        Assert.Equal(3, answered.Result.Tokens.Length);
        var answeredAt = steps.FindIndex(s => s.Answers.Count > 0);
        var firstWindowOfB = steps.FindIndex(s => s.Prefills.Any(p => p.StreamId == "b"));
        Assert.True(firstWindowOfB > answeredAt);

        // Same answer as a direct runner over a stream holding only the prompt (what b held when asked).
        var direct = Runner();
        using (var alone = direct.CreateStream(_tiny.CacheOptions(), new StreamingLlmEviction()))
        {
            direct.PrefillPrompt(alone, TinyDecoder.Prompt);
            Assert.Equal(direct.Answer(alone, Question, 3).Tokens, answered.Result.Tokens);
        }

        Assert.All(sessions, s => Assert.Equal(4, s.TakenWindowCount));
        Assert.All(sessions, s =>
        {
            var kv = engine.Stream(s.Id);
            Assert.Null(kv.ActiveAnswer);
            for (var l = 0; l < 4; l++) Assert.Equal(kv.Cache.Layer(l).Count, kv.Tensors[l].Count);
            Assert.Equal(40, kv.Cache.Layer(0).Count); // 5 prompt + 4 × 12 window tokens, evicted down to the budget
        });
    }

    [Fact]
    public void AStandingAnswerCoversExactlyTheMediaUpToItsWindowEvenWithABacklog()
    {
        // All four windows are pending at once and the budget fits them all: the answer due at window 1 must still
        // be computed before window 2 enters the cache, as if the stream had arrived in real time.
        var scheduler = new Scheduler(new SchedulerOptions { MaxBatchTokens = 1000, MaxBacklogSeconds = 100 });
        using var engine = new LiveEngine(Runner(), scheduler, _tiny.EmbedWindow, new LiveEngineOptions { StandingAnswerMaxTokens = 3 });
        var session = new StreamSession("cam", TinyDecoder.WindowGeometry);
        engine.AddStream(session, _tiny.CacheOptions(200), new StreamingLlmEviction(), TinyDecoder.Prompt);
        session.AddStandingQuestion(new StandingQuestion { Id = "door", TokenIds = [9, 2, 6], PeriodSeconds = 2 });
        for (var w = 0; w < 4; w++) session.AddWindow(w);
        var answers = new List<CompletedAnswer>();
        for (var i = 0; i < 30; i++) answers.AddRange(engine.Step().Answers);

        // The same question asked directly over a stream that holds windows 0 and 1 only.
        var direct = Runner();
        using var alone = direct.CreateStream(_tiny.CacheOptions(200), new StreamingLlmEviction());
        direct.PrefillPrompt(alone, TinyDecoder.Prompt);
        var replay = new StreamSession("replay", TinyDecoder.WindowGeometry);
        replay.SetPrompt(TinyDecoder.Prompt.Length);
        for (var w = 0; w < 2; w++)
        {
            using var scope = new TensorScope();
            var window = replay.AddWindow(w);
            direct.PrefillWindow(alone, _tiny.EmbedWindow(window), window);
        }

        Assert.Equal(direct.Answer(alone, [9, 2, 6], 3).Tokens, answers.Single(a => a.QuestionId == "cam/door@1").Result.Tokens);
    }

    [Fact]
    public void EachStreamPrunesWithItsOwnRunnerAndACancelledQuestionLeavesTheCacheAsItWas()
    {
        var scheduler = new Scheduler(new SchedulerOptions { MaxBatchTokens = 100, MaxBacklogSeconds = 100 });
        using var engine = new LiveEngine(Runner(), scheduler, _tiny.EmbedWindow);
        var pruned = new StreamSession("pruned", TinyDecoder.WindowGeometry);
        var full = new StreamSession("full", TinyDecoder.WindowGeometry);
        engine.AddStream(pruned, _tiny.CacheOptions(), new StreamingLlmEviction(), TinyDecoder.Prompt);
        engine.AddStream(full, _tiny.CacheOptions(), new StreamingLlmEviction(), TinyDecoder.Prompt, new ModelRunner(_tiny.Model));
        pruned.AddWindow(0);
        full.AddWindow(0);
        var step = engine.Step();
        Assert.Equal(2, step.Prefills.Count);
        Assert.Equal(12, step.Prefills.Single(p => p.StreamId == "full").Result.KeptPerLayer[3].Length); // unpruned: every token
        Assert.True(step.Prefills.Single(p => p.StreamId == "pruned").Result.KeptPerLayer[3].Length < 12);

        var before = engine.Stream("full").Cache.Layer(0).Rows.ToArray();
        engine.Ask("full", "q", Question, maxNewTokens: 5);
        engine.Step(); // prefill: the question's rows are in the tensors now
        Assert.Equal(1, engine.QuestionsInFlight("full"));
        Assert.NotNull(engine.TokensSoFar("q"));
        Assert.True(engine.Cancel("q"));
        Assert.False(engine.Cancel("q"));
        Assert.Equal(0, engine.QuestionsInFlight("full"));
        Assert.Null(engine.TokensSoFar("q"));
        var kv = engine.Stream("full");
        Assert.Equal(before, kv.Cache.Layer(0).Rows.ToArray());
        for (var l = 0; l < 4; l++) Assert.Equal(kv.Cache.Layer(l).Count, kv.Tensors[l].Count);
        full.AddWindow(1);
        Assert.Single(engine.Step().Prefills); // the stream ingests again
    }

    [Fact]
    public void InfiniPotVSeesTheTemporalRedundancyOfRealFrames()
    {
        // Window 0: frame 1 repeats frame 0 in spatial cells 0 and 1 and changes in cells 2 and 3. Window 1's first
        // frame repeats window 0's last frame exactly (a still scene), its second frame is new.
        var runner = new ModelRunner(_tiny.Model);
        using var kv = runner.CreateStream(_tiny.CacheOptions(200), new InfiniPotVEviction());
        var session = new StreamSession("cam", TinyDecoder.WindowGeometry);
        session.SetPrompt(0);
        long[] frame0 = [1, 2, 3, 4], frame1 = [1, 2, 30, 40], frame2 = [11, 12, 13, 14];
        long[] audio = [5, 6, 7], separator = [8];
        foreach (var frames in new[] { (frame0, frame1), (frame1, frame2) })
        {
            using var scope = new TensorScope();
            var window = session.AddWindow(session.WindowCount);
            runner.PrefillWindow(kv, _tiny.Model.Embed([.. frames.Item1, .. frames.Item2, .. audio, .. separator]), window);
        }

        var rows = kv.Cache.Layer(0).Rows.ToArray();
        float R(long window, int offset) => rows.Single(r => r.Window == window && r.Position - rows.First(x => x.Window == window).Position == offset).Redundancy;
        Assert.Equal(0f, R(0, 0)); // the stream's first frame has nothing before it
        Assert.Equal(1f, R(0, 4), 5); // cell 0 of frame 1 repeats frame 0
        Assert.Equal(1f, R(0, 5), 5);
        Assert.True(R(0, 6) < 0.9f && R(0, 7) < 0.9f);
        Assert.All(Enumerable.Range(0, 4), k => Assert.Equal(1f, R(1, k), 5)); // across windows: frame1 again
        Assert.Equal(0f, R(0, 8)); // audio tokens carry none
        var explicitCosine = Cosine(_tiny.Model.Embed([3]).ToArray<float>(), _tiny.Model.Embed([30]).ToArray<float>());
        Assert.Equal(explicitCosine, R(0, 6), 5);
    }

    private static float Cosine(float[] a, float[] b) =>
        (float)(a.Zip(b, (x, y) => (double)x * y).Sum() / Math.Sqrt(a.Sum(x => (double)x * x) * b.Sum(y => (double)y * y)));

    [Fact]
    public void StandingQuestionsAreAskedWhenDueAndCanScoreTheWindows()
    {
        var scheduler = new Scheduler(new SchedulerOptions { MaxBatchTokens = 100, MaxBacklogSeconds = 100 });
        using var engine = new LiveEngine(Runner(), scheduler, _tiny.EmbedWindow, new LiveEngineOptions { QuestionAwarePruning = true, StandingAnswerMaxTokens = 2 });
        var session = new StreamSession("cam", TinyDecoder.WindowGeometry);
        engine.AddStream(session, _tiny.CacheOptions(), new StreamingLlmEviction(), TinyDecoder.Prompt);
        session.AddStandingQuestion(new StandingQuestion { Id = "door", TokenIds = [9, 2, 6], PeriodSeconds = 2 });
        for (var w = 0; w < 4; w++) session.AddWindow(w);

        var answers = new List<CompletedAnswer>();
        var prefills = new List<PrefillResult>();
        for (var i = 0; i < 30; i++)
        {
            var step = engine.Step();
            Assert.Empty(step.Failures);
            answers.AddRange(step.Answers);
            prefills.AddRange(step.Prefills.Select(p => p.Result));
        }

        Assert.Equal(["cam/door@1", "cam/door@3"], answers.Select(a => a.QuestionId));
        Assert.All(answers, a => Assert.Equal(2, a.Result.Tokens.Length));
        Assert.Equal(4, prefills.Count);
        Assert.All(prefills, p => Assert.Equal(12 + 3, p.Flops.TokensPerLayer[0])); // the question rides along for scoring
        var kv = engine.Stream("cam");
        Assert.All(Enumerable.Range(0, 4), l => Assert.DoesNotContain(kv.Cache.Layer(l).Rows.ToArray(), r => r.Kind == TokenKind.Question));
    }

    [Fact]
    public void AFailingQuestionIsReportedAndTheStreamGoesOn()
    {
        var scheduler = new Scheduler(new SchedulerOptions { MaxBatchTokens = 100, MaxBacklogSeconds = 100 });
        using var engine = new LiveEngine(Runner(), scheduler, _tiny.EmbedWindow);
        var session = new StreamSession("a", TinyDecoder.WindowGeometry);
        engine.AddStream(session, _tiny.CacheOptions(), new StreamingLlmEviction(), TinyDecoder.Prompt);
        session.AddWindow(0);
        engine.Ask("a", "bad", [1, 2, 999], maxNewTokens: 2); // token outside the vocabulary
        var step = engine.Step();
        Assert.Equal("bad", Assert.Single(step.Failures).Id);
        Assert.Null(engine.Stream("a").ActiveAnswer);
        Assert.Single(engine.Step().Prefills);
        Assert.Equal(5 + 12, engine.Stream("a").Tensors[0].Count);

        engine.Ask("a", "after", Question, maxNewTokens: 3);
        var answers = new List<CompletedAnswer>();
        for (var i = 0; i < 10; i++) answers.AddRange(engine.Step().Answers);
        Assert.Equal(3, Assert.Single(answers).Result.Tokens.Length);

        Assert.True(engine.RemoveStream("a"));
        Assert.False(engine.RemoveStream("a"));
        Assert.Throws<KeyNotFoundException>(() => engine.Stream("a"));
        Assert.Throws<ArgumentException>(() => engine.Ask("a", "q", Question, 2));
    }

    [Fact]
    public void AnswersEndingAtTheFirstTokenFreeTheStream()
    {
        var runner = Runner();
        long firstToken;
        using (var probe = runner.CreateStream(_tiny.CacheOptions(), new StreamingLlmEviction()))
        {
            runner.PrefillPrompt(probe, TinyDecoder.Prompt);
            firstToken = runner.Answer(probe, Question, 1).Tokens[0];
        }

        var scheduler = new Scheduler(new SchedulerOptions { MaxBatchTokens = 100, MaxBacklogSeconds = 100 });
        using var engine = new LiveEngine(runner, scheduler, _tiny.EmbedWindow);
        var session = new StreamSession("a", TinyDecoder.WindowGeometry);
        engine.AddStream(session, _tiny.CacheOptions(), new StreamingLlmEviction(), TinyDecoder.Prompt);
        engine.Ask("a", "short", Question, maxNewTokens: 10, endOfSequence: firstToken);
        var step = engine.Step();
        Assert.Equal([firstToken], Assert.Single(step.Answers).Result.Tokens);
        session.AddWindow(0);
        Assert.Single(engine.Step().Prefills);
        Assert.Throws<ArgumentException>(() => engine.AddStream(new StreamSession("a", TinyDecoder.WindowGeometry), _tiny.CacheOptions(), new StreamingLlmEviction(), TinyDecoder.Prompt));
    }
}
