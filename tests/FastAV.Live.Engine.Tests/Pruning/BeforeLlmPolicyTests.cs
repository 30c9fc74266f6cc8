using FastAV.Live.Engine.Pruning;

namespace FastAV.Live.Engine.Tests.Pruning;

public sealed class BeforeLlmPolicyTests
{
    private static readonly TokenKind[] FourVideo = [TokenKind.Video, TokenKind.Video, TokenKind.Video, TokenKind.Video, TokenKind.Separator];

    [Fact]
    public void DivPruneGreedilyMaximisesTheMinimumCosineDistance()
    {
        float[] features =
        [
            1, 0,
            0.99f, 0.1f, // nearly token 0
            0, 1,
            -1, 0,
            0, 0,
        ];
        // nearest-neighbour distances: 0.005, 0.005, 0.8995, 1 → seed 3; then farthest from {3}: 0 (2); then 2 (1 vs 0.005).
        var policy = new DivPrunePolicy(new DivPruneOptions { KeepRatio = 0.75 });
        Assert.Equal(PruningStage.BeforeLlm, policy.Stage);
        var kept = policy.SelectKept(new PruningContext { Kinds = FourVideo, Features = features, FeatureDim = 2 });
        Assert.Equal([0, 2, 3, 4], kept);
        var two = new DivPrunePolicy(new DivPruneOptions { KeepRatio = 0.5 }).SelectKept(new PruningContext { Kinds = FourVideo, Features = features, FeatureDim = 2 });
        Assert.Equal([0, 3, 4], two);
    }

    [Fact]
    public void FasterVlmKeepsTheTokensTheClsRowAttendsTo()
    {
        var kept = new FasterVlmPolicy(new FasterVlmOptions { KeepRatio = 0.5 })
            .SelectKept(new PruningContext { Kinds = FourVideo, EncoderAttention = [0.1f, 0.4f, 0.3f, 0.2f, 0f] });
        Assert.Equal([1, 2, 4], kept);
    }

    [Fact]
    public void MeanReceivedAttentionAveragesOverQueries()
    {
        Assert.Equal([0.4f, 0.6f], FasterVlmPolicy.MeanReceivedAttention([0.2f, 0.8f, 0.6f, 0.4f], 2));
        Assert.Throws<ArgumentException>(() => FasterVlmPolicy.MeanReceivedAttention([1f, 2f, 3f], 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => FasterVlmPolicy.MeanReceivedAttention([], 0));
    }

    [Fact]
    public void MetokFindsEventsAtTheLowestAdjacentSimilarity()
    {
        float[] frames = [1, 0, 1, 0.1f, 0, 1, 0.1f, 1];
        Assert.Equal([0, 2], MetokPolicy.FindEventStarts(frames, 2, 2));
        Assert.Equal([0], MetokPolicy.FindEventStarts(frames, 2, 1));
        Assert.Equal([0, 1, 2, 3], MetokPolicy.FindEventStarts(frames, 2, 10));
        Assert.Empty(MetokPolicy.FindEventStarts([], 2, 2));
    }

    [Fact]
    public void MetokBudgetsEachEvent()
    {
        // 4 frames × 2 tokens + separator; events {0,1} and {2,3}.
        var kinds = Enumerable.Repeat(TokenKind.Video, 8).Append(TokenKind.Separator).ToArray();
        int[] frameOf = [0, 0, 1, 1, 2, 2, 3, 3, -1];
        float[] frames = [1, 0, 1, 0.1f, 0, 1, 0.1f, 1];
        var policy = new MetokPolicy(new MetokOptions { EventCount = 2, KeepRatio = 0.5 });
        var earliest = policy.SelectKept(new PruningContext { Kinds = kinds, FrameOfToken = frameOf, FrameFeatures = frames, FrameFeatureDim = 2 });
        Assert.Equal([0, 1, 4, 5, 8], earliest);

        float[] attention = [0, 0, 0.5f, 0.9f, 0.1f, 0.2f, 0.3f, 0.8f, 0];
        var attended = policy.SelectKept(new PruningContext { Kinds = kinds, FrameOfToken = frameOf, FrameFeatures = frames, FrameFeatureDim = 2, QueryAttention = attention });
        Assert.Equal([2, 3, 6, 7, 8], attended);

        Assert.Throws<ArgumentException>(() => policy.SelectKept(new PruningContext { Kinds = kinds, FrameFeatures = frames, FrameFeatureDim = 2 }));
        Assert.Throws<ArgumentException>(() => policy.SelectKept(new PruningContext { Kinds = kinds, FrameOfToken = [0, 0, 1, 1, 2, 2, 3, 9, -1], FrameFeatures = frames, FrameFeatureDim = 2 }));
    }

    [Fact]
    public void TransitionVariationIsNormRatioTimesSoftmaxOfChange()
    {
        // token 0: doubled, same direction → ratio 2, change 0; token 1: rotated 90° → ratio 1, change 1.
        var scores = new float[2];
        TransitionVariation.Accumulate(scores, [1, 0, 1, 0], [2, 0, 0, 1], 2);
        var e = Math.E;
        Assert.Equal(2 / (1 + e), scores[0], 5);
        Assert.Equal(e / (1 + e), scores[1], 5);

        TransitionVariation.Accumulate(scores, [1, 0, 1, 0], [2, 0, 0, 1], 2);
        Assert.Equal(4 / (1 + e), scores[0], 5);
        Assert.Throws<ArgumentException>(() => TransitionVariation.Accumulate(scores, [1, 0], [2, 0, 0, 1], 2));
    }

    [Fact]
    public void TransPruneKeepsTheTokensThatMovedMost()
    {
        var kept = new TransPrunePolicy(new TransPruneOptions { KeepRatio = 0.5 })
            .SelectKept(new PruningContext { Kinds = FourVideo, TransitionScores = [0.3f, 0.1f, 0.5f, 0.2f, 0f] });
        Assert.Equal([0, 2, 4], kept);
    }
}
