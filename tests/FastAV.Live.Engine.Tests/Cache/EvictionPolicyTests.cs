using FastAV.Live.Engine.Cache;

namespace FastAV.Live.Engine.Tests.Cache;

public sealed class EvictionPolicyTests
{
    private static CachedToken[] Rows(int count, Func<int, CachedToken>? make = null) =>
        Enumerable.Range(0, count).Select(i => make?.Invoke(i) ?? new CachedToken { TimelineIndex = i, Kind = TokenKind.Video, Position = i }).ToArray();

    [Fact]
    public void StreamingLlmKeepsSinksAndTheRecentWindow()
    {
        var policy = new StreamingLlmEviction(new StreamingLlmOptions { SinkCount = 2 });
        Assert.Equal([0, 1, 6, 7, 8, 9], policy.SelectKept(Rows(10), 6));
        Assert.Equal([0], policy.SelectKept(Rows(10), 1));
        Assert.Equal(Enumerable.Range(0, 5), policy.SelectKept(Rows(5), 9));
        Assert.Empty(policy.SelectKept(Rows(5), 0));
    }

    [Fact]
    public void A2sfForgetsAndKeepsTheHighestAccumulatedScores()
    {
        var policy = new A2sfEviction(new A2sfOptions { ForgettingFactor = 0.5f, RecentKept = 2 });
        Assert.Equal(2f, policy.CombineScore(2f, 1f));
        float[] scores = [5, 1, 4, 2, 3, 0, 0];
        var rows = Rows(7, i => new CachedToken { Kind = TokenKind.Video, Score = scores[i] });
        Assert.Equal([0, 2, 5, 6], policy.SelectKept(rows, 4));
    }

    [Fact]
    public void PagedEvictionDropsWholeBlocksByMeanValueKeyRatio()
    {
        float[] ratio = [1, 1, 0.1f, 0.3f, 0.5f, 0.5f, 0f];
        var rows = Rows(7, i => new CachedToken { Kind = TokenKind.Video, ValueKeyRatio = ratio[i] });
        var policy = new PagedEviction(new PagedEvictionOptions { BlockSize = 2 });
        // block means: 1, 0.2, 0.5, newest (0) protected.
        Assert.Equal([0, 1, 4, 5, 6], policy.SelectKept(rows, 5));
        Assert.Equal([0, 1, 6], policy.SelectKept(rows, 4));
        Assert.Equal(Enumerable.Range(0, 7), policy.SelectKept(rows, 7));
    }

    [Fact]
    public void InfiniPotVKeepsNovelTokensThenLargeValues()
    {
        float[] redundancy = [0.9f, 0.1f, 0.8f, 0.2f, 0.95f, 0.5f];
        float[] norm = [5, 1, 1, 1, 9, 2];
        var rows = Rows(6, i => new CachedToken { Kind = TokenKind.Video, Redundancy = redundancy[i], ValueNorm = norm[i] });
        Assert.Equal([0, 1, 3, 4], new InfiniPotVEviction().SelectKept(rows, 4));
        Assert.Equal([0, 4], new InfiniPotVEviction(new InfiniPotVOptions { RedundancyShare = 0 }).SelectKept(rows, 2));
    }

    [Fact]
    public void BadKnobsAreRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new StreamingLlmEviction(new StreamingLlmOptions { SinkCount = -1 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new A2sfEviction(new A2sfOptions { ForgettingFactor = 1.5f }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new A2sfEviction(new A2sfOptions { ForgettingFactor = float.NaN }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new PagedEviction(new PagedEvictionOptions { BlockSize = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new InfiniPotVEviction(new InfiniPotVOptions { RedundancyShare = 2 }));
    }
}
