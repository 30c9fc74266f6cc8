using FastAV.Live.Engine.Pruning;

namespace FastAV.Live.Engine.Tests.Pruning;

public sealed class LazyLlmPrunerTests
{
    private static readonly TokenKind[] Kinds = [TokenKind.Video, TokenKind.Video, TokenKind.Video, TokenKind.Video, TokenKind.Separator];

    [Fact]
    public void PrunesByPercentilePerStepAndRevivesFromTheAuxCache()
    {
        var pruner = new LazyLlmPruner(new LazyLlmOptions { Layers = [1], Percentiles = [0.5] });
        pruner.BeginStep(Kinds);
        Assert.Equal([0, 1, 2, 3, 4], pruner.EnterLayer(0, [0.2f, 0.2f, 0.2f, 0.2f, 0.2f]));
        Assert.Equal([1, 3, 4], pruner.EnterLayer(1, [0.1f, 0.4f, 0.2f, 0.3f, 0.9f]));
        Assert.Equal(2, pruner.AuxCacheCount);
        Assert.Equal([1, 3, 4], pruner.EnterLayer(2, [0.3f, 0.3f, 0.4f]));

        pruner.BeginStep(Kinds);
        pruner.EnterLayer(0, [0.2f, 0.2f, 0.2f, 0.2f, 0.2f]);
        Assert.Equal([0, 2, 4], pruner.EnterLayer(1, [0.9f, 0.1f, 0.8f, 0.2f, 0.5f]));
        Assert.Equal(2, pruner.RevivedCount); // 0 and 2 resumed from their layer-1 states
        Assert.Equal(2, pruner.AuxCacheCount); // 1 and 3 now wait there
    }

    [Fact]
    public void RejectsMismatchedOptionsAndRows()
    {
        Assert.Throws<ArgumentException>(() => new LazyLlmPruner(new LazyLlmOptions { Layers = [1, 2], Percentiles = [0.1] }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new LazyLlmPruner(new LazyLlmOptions { Layers = [1], Percentiles = [1.0] }));
        Assert.Throws<ArgumentException>(() => new LazyLlmPruner(new LazyLlmOptions { Layers = [1, 1], Percentiles = [0.1, 0.1] }));
        var pruner = new LazyLlmPruner();
        pruner.BeginStep(Kinds);
        Assert.Throws<ArgumentException>(() => pruner.EnterLayer(0, [1f]));
    }
}
