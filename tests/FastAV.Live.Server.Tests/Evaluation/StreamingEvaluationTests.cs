using FastAV.Live.Engine.Running;
using FastAV.Live.Server.Evaluation;
using FastAV.Live.Server.Inference;
using FastAV.Live.Server.Tests.Inference;
using FastAV.Live.Torch;

namespace FastAV.Live.Server.Tests.Evaluation;

/// <summary>
/// The streaming evaluation on a 3-scene long stream with the committed weights: budgets of 1 and 2 scenes and the
/// model's maximum × the four eviction policies × pruning off and FastAV. Whatever the weights, the cache must stay within
/// its budget, small budgets must evict, and the largest budget (which holds all 18 windows) must answer exactly as the
/// plain evaluation of the same stream does.
/// </summary>
public sealed class StreamingEvaluationTests
{
    private static readonly Lazy<Task<(HeldOutSet Set, IReadOnlyList<StreamingRow> Rows)>> Measured = new(MeasureAsync);

    [Fact]
    public async Task TheLongStreamIsConsecutiveScenesWithEvidenceInsideTheirScene()
    {
        var set = await ShortLongStream.LoadAsync();
        Assert.Equal(1, set.StreamCount);
        Assert.Equal(6, set.WindowsPerScene);
        Assert.Equal(ShortLongStream.Scenes * 6, set.WindowCount);
        Assert.True(set.Questions.Count >= ShortLongStream.Scenes * 5, $"{set.Questions.Count} questions");
        foreach (var q in set.Questions)
        {
            var sceneStart = q.Window / 6 * 6;
            Assert.NotNull(q.EvidenceWindow);
            Assert.InRange(q.EvidenceWindow!.Value, sceneStart, q.Window);
        }

        // Every scene asks its own questions, in the scene's own windows.
        Assert.Equal(Enumerable.Range(0, ShortLongStream.Scenes), set.Questions.Select(q => q.Window / 6).Distinct().Order());
        Assert.Contains(set.Questions, q => q.Window - q.EvidenceWindow >= StreamingEvaluation.RecentWindows);
        Assert.Contains(set.Questions, q => q.Window - q.EvidenceWindow < StreamingEvaluation.RecentWindows);
    }

    [Fact]
    public async Task RowsAreWellFormedAndTheCacheNeverExceedsItsBudget()
    {
        var (set, rows) = await Measured.Value;
        Assert.Equal(3 * 4 * 2, rows.Count);
        var model = TinyModel.Model;
        var bytesPerToken = rows[0].BudgetBytes / rows[0].BudgetTokens; // over all layers
        foreach (var r in rows)
        {
            var what = $"{r.Pruning} {r.Eviction} {r.Budget}";
            Assert.InRange(r.Accuracy, 0, 1);
            Assert.Equal(set.Questions.Count, r.Questions);
            Assert.Equal(r.Questions, r.RecentQuestions + r.OlderQuestions);
            Assert.True(r.RecentQuestions > 0 && r.OlderQuestions > 0, what);
            Assert.Equal(8, r.FamilyAccuracy.Count);
            Assert.Equal(r.Questions, r.Answers.Count);
            Assert.Equal((long)r.BudgetTokens * bytesPerToken, r.BudgetBytes);
            Assert.True(r.MaxKvBytes > 0 && r.MaxKvBytes <= r.BudgetBytes, $"{what}: max KV {r.MaxKvBytes} over the budget {r.BudgetBytes}");
            Assert.InRange(r.FinalKvBytes, 1, r.MaxKvBytes);
            Assert.True(r.WindowsPerSecond > 0 && r.LatencyMs > 0, what);
        }

        // 18 windows of 14 tokens do not fit one scene's budget: every policy evicts, and the cache stays at its budget
        // (StreamingLLM unpruned: exactly full; Paged evicts whole 16-row blocks, so it may sit up to a block and a window below).
        foreach (var r in rows.Where(r => r.Budget == "1 scene"))
        {
            Assert.True(r.EvictedRows > 0, $"{r.Pruning} {r.Eviction}: nothing evicted");
            Assert.True(r.FinalKvBytes >= r.BudgetBytes - ((16 + model.TokensPerWindow) * bytesPerToken), $"{r.Pruning} {r.Eviction}: final {r.FinalKvBytes} of {r.BudgetBytes}");
        }

        var sinkRow = rows.Single(r => r.Budget == "1 scene" && r.Pruning == "none" && r.Eviction == "streaming-llm");
        Assert.Equal(sinkRow.BudgetBytes, sinkRow.MaxKvBytes);
        Assert.Equal(sinkRow.BudgetBytes, sinkRow.FinalKvBytes);

        // The maximum holds everything: nothing evicted, and unpruned it holds exactly the prompt and all windows.
        foreach (var r in rows.Where(r => r.Budget == "max"))
        {
            Assert.Equal(0, r.EvictedRows);
        }

        var everything = (model.Prompt.StreamPrefix.Length + (set.WindowCount * model.TokensPerWindow)) * bytesPerToken;
        Assert.All(rows.Where(r => r.Budget == "max" && r.Pruning == "none"), r => Assert.Equal(everything, r.FinalKvBytes));
        Assert.All(rows.Where(r => r.Budget == "max" && r.Pruning == "fastav"), r => Assert.True(r.FinalKvBytes < everything));
    }

    [Fact]
    public async Task WithTheLargestBudgetTheAnswersEqualThePlainEvaluation()
    {
        var (set, rows) = await Measured.Value;
        var model = TinyModel.Model;
        var media = model.Prompt.VideoTokens + model.Prompt.AudioTokens;
        var plainSettings = PruningSweep.For(media, model.FramesPerWindow, StreamPlanner.DefaultFastAvKeep(model)).Where(p => p.Policy is "none" or "fastav").ToList();
        var plain = new AccuracyEvaluation(model).Run(set, plainSettings);

        // The plain replay's own answers, question by question (unbounded cache, StreamReplay as `fastav eval` runs it).
        using var scope = new TensorScope();
        var featurizer = new WindowFeaturizer(model);
        var windows = Enumerable.Range(0, set.WindowCount).Select(t => featurizer.Embed(set.Frames(0, t), set.Width, set.Height, set.Audio(0, t))).ToList();
        var replay = new StreamReplay(model, new ModelRunner(model.Decoder));
        var questions = set.Questions.Select(q => new ReplayQuestion(q.Window, model.QuestionIds(q.Text))).ToList();
        var answers = replay.Run(windows, questions, replay.UnboundedCache(set.WindowCount), new Engine.Cache.StreamingLlmEviction()).Answers.Select(a => a.Text.Trim()).ToList();

        foreach (var pruning in new[] { "none", "fastav" })
        {
            var reference = plain.Single(r => r.Policy == pruning);
            foreach (var r in rows.Where(r => r.Budget == "max" && r.Pruning == pruning))
            {
                Assert.Equal(reference.Accuracy, r.Accuracy, 12);
                foreach (var (family, accuracy) in reference.FamilyAccuracy)
                {
                    Assert.Equal(accuracy, r.FamilyAccuracy[family], 12);
                }

                if (pruning == "none")
                {
                    Assert.Equal(answers, r.Answers);
                }
            }
        }

        // Every answer is one the model can give: non-empty text, no special tokens.
        Assert.All(answers, a => Assert.False(string.IsNullOrWhiteSpace(a) || a.Contains("<|", StringComparison.Ordinal), a));
    }

    [Fact]
    public async Task BudgetsOutsideTheModelAreRefused()
    {
        var model = TinyModel.Model;
        var evaluation = new StreamingEvaluation(model);
        var runner = new ModelRunner(model.Decoder);
        Assert.Throws<ArgumentOutOfRangeException>(() => evaluation.CacheOptions(runner, StreamingSweep.MinBudget(model) - 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => evaluation.CacheOptions(runner, StreamingSweep.MaxBudget(model) + 1));
        var set = await ShortLongStream.LoadAsync();
        var bogus = new StreamingSetting { Eviction = "streaming-llm", Pruning = "fastv", BudgetTokens = 100, Budget = "x", CreateEviction = () => StreamingSweep.Eviction("streaming-llm", 14) };
        Assert.Throws<ArgumentException>(() => evaluation.Run(set, [bogus]));
    }

    private static async Task<(HeldOutSet, IReadOnlyList<StreamingRow>)> MeasureAsync()
    {
        var set = await ShortLongStream.LoadAsync();
        var model = TinyModel.Model;
        var settings = StreamingSweep.For(model, set.WindowsPerScene!.Value, [1, 2], includeMax: true, StreamingSweep.Policies, StreamingSweep.Prunings);
        return (set, new StreamingEvaluation(model).Run(set, settings));
    }
}
