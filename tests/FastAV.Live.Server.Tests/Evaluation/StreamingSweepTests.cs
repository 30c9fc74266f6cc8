using FastAV.Live.Server.Evaluation;
using FastAV.Live.Server.Tests.Inference;

namespace FastAV.Live.Server.Tests.Evaluation;

public sealed class StreamingSweepTests
{
    [Fact]
    public void SceneBudgetsCountThePromptAndWholeScenesAndStopAtTheModelsMaximum()
    {
        var model = TinyModel.Model;
        var prompt = model.Prompt.StreamPrefix.Length;
        var block = model.TokensPerWindow; // 8 video + 5 audio + separator for FastAV-Tiny
        Assert.Equal(14, block);
        Assert.Equal(1024 - block - StreamingSweep.QuestionReserve, StreamingSweep.MaxBudget(model));
        Assert.Equal(prompt + block, StreamingSweep.MinBudget(model));
        Assert.Equal(prompt + (6 * block), StreamingSweep.SceneBudget(model, 1, 6));
        Assert.Equal(prompt + (48 * block), StreamingSweep.SceneBudget(model, 8, 6));
        Assert.Equal(StreamingSweep.MaxBudget(model), StreamingSweep.SceneBudget(model, 100, 6));
        Assert.Equal(StreamingSweep.MinBudget(model), StreamingSweep.SceneBudget(model, 0.01, 6));
        Assert.Throws<ArgumentOutOfRangeException>(() => StreamingSweep.SceneBudget(model, 0, 6));
        Assert.Throws<ArgumentOutOfRangeException>(() => StreamingSweep.SceneBudget(model, double.NaN, 6));
        Assert.Throws<ArgumentOutOfRangeException>(() => StreamingSweep.SceneBudget(model, 1, 0));
    }

    [Fact]
    public void TheGridIsBudgetsTimesPoliciesTimesPruningWithoutDuplicates()
    {
        var model = TinyModel.Model;
        var grid = StreamingSweep.For(model, 6, [1, 2, 4, 8, 100], includeMax: true, StreamingSweep.Policies, StreamingSweep.Prunings);
        Assert.Equal(5 * 4 * 2, grid.Count); // 100 scenes clamps to the maximum: one budget, not two
        Assert.Equal(5, grid.Select(s => s.BudgetTokens).Distinct().Count());
        Assert.All(grid, s => Assert.Equal(s.Eviction, s.CreateEviction().Name));
        Assert.Throws<ArgumentException>(() => StreamingSweep.For(model, 6, [1], false, ["lru"], ["none"]));
        Assert.Throws<ArgumentException>(() => StreamingSweep.For(model, 6, [1], false, ["a2sf"], ["fastv"]));
    }
}
