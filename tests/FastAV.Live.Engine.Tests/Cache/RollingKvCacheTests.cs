using FastAV.Live.Engine.Cache;

namespace FastAV.Live.Engine.Tests.Cache;

public sealed class RollingKvCacheTests
{
    private static CachedToken[] Block(long firstTimeline, int count, TokenKind kind = TokenKind.Video, int step = 1) =>
        Enumerable.Range(0, count).Select(i => new CachedToken
        {
            TimelineIndex = firstTimeline + i * step,
            Kind = kind,
            Position = i * step,
            Score = 0.1f * i,
        }).ToArray();

    private static RollingKvCache Small(int maxTokens, IEvictionPolicy? policy = null, int layers = 1) => new(
        new RollingKvCacheOptions
        {
            LayerCount = layers,
            BytesPerTokenPerLayer = 8,
            Budget = new KvBudget { MaxTokens = maxTokens },
            MaxPositions = 64,
            MaxBlockSpan = 16,
            QuestionReserve = 8,
        },
        policy ?? new StreamingLlmEviction(new StreamingLlmOptions { SinkCount = 1 }));

    [Fact]
    public void AppendPlacesBlocksAfterTheLastPositionKeepingGaps()
    {
        var cache = Small(20);
        Assert.True(cache.MakeRoom([4], 4).IsEmpty);
        cache.Append(0, Block(0, 4));
        cache.Append(0, Block(10, 3, step: 2)); // offsets 0, 2, 4: pruned tokens leave gaps
        Assert.Equal([0, 1, 2, 3, 4, 6, 8], cache.Layer(0).Rows.ToArray().Select(r => r.Position));
        Assert.Equal(9, cache.Layer(0).NextPosition);
        Assert.Equal(56, cache.Bytes(0));
    }

    [Fact]
    public void MakeRoomEvictsByPolicyAndReindexesPositions()
    {
        var cache = Small(8);
        cache.Append(0, Block(0, 2, TokenKind.Prompt));
        cache.Append(0, Block(2, 6));
        var plan = cache.MakeRoom([3], 3);
        // prompt (0, 1) protected; StreamingLLM over the 6 others keeps 1 sink + 2 recent for 5 − 2 = 3 rows.
        Assert.Equal([0, 1, 2, 6, 7], plan.KeptRowsPerLayer[0]!);
        Assert.Equal(3, plan.EvictedCount);
        Assert.Equal([0, 1, 2, 3, 4], cache.Layer(0).Rows.ToArray().Select(r => r.Position));
        Assert.Equal([0L, 1, 2, 6, 7], cache.Layer(0).Rows.ToArray().Select(r => r.TimelineIndex));
        cache.Append(0, Block(8, 3));
        Assert.Equal(8, cache.Layer(0).Count);
        Assert.Throws<InvalidOperationException>(() => cache.Append(0, Block(11, 1)));
    }

    [Fact]
    public void HeadroomFreesExtraRowsSoEvictionRunsLessOften()
    {
        var cache = new RollingKvCache(
            new RollingKvCacheOptions { LayerCount = 1, BytesPerTokenPerLayer = 8, Budget = new KvBudget { MaxTokens = 10 }, MaxPositions = 64, MaxBlockSpan = 16, QuestionReserve = 8, EvictionHeadroom = 4 },
            new StreamingLlmEviction(new StreamingLlmOptions { SinkCount = 1 }));
        cache.Append(0, Block(0, 2, TokenKind.Prompt));
        cache.Append(0, Block(2, 8));
        var plan = cache.MakeRoom([2], 2);
        Assert.Equal(6, plan.EvictedCount); // 10 + 2 > 10: keep 10 − 2 − 4 = 4 rows (2 prompt, 1 sink, 1 recent)
        Assert.Equal([0L, 1, 2, 9], cache.Layer(0).Rows.ToArray().Select(r => r.TimelineIndex));
        cache.Append(0, Block(10, 2));
        Assert.Equal(0, cache.MakeRoom([2], 2).EvictedCount);
        Assert.Throws<ArgumentOutOfRangeException>(() => new RollingKvCache(new RollingKvCacheOptions { EvictionHeadroom = -1 }, new StreamingLlmEviction()));
    }

    [Fact]
    public void ScoresFoldThroughThePolicy()
    {
        var cache = Small(8, new A2sfEviction(new A2sfOptions { ForgettingFactor = 0.5f }));
        cache.Append(0, Block(0, 2));
        cache.UpdateScores(0, [1f, 2f]);
        Assert.Equal([1f, 2.05f], cache.Layer(0).Rows.ToArray().Select(r => r.Score));
        Assert.Throws<ArgumentException>(() => cache.UpdateScores(0, [1f]));
    }

    [Fact]
    public void RollBackRestoresTheMarkedRows()
    {
        var cache = Small(16, layers: 2);
        cache.Append(0, Block(0, 5));
        cache.Append(1, Block(0, 3));
        var before = new[] { cache.Layer(0).Rows.ToArray(), cache.Layer(1).Rows.ToArray() };
        var mark = cache.Mark();
        cache.Append(0, Block(5, 4, TokenKind.Question));
        cache.Append(1, Block(5, 4, TokenKind.Question));
        cache.RollBack(mark);
        Assert.Equal(before[0], cache.Layer(0).Rows.ToArray());
        Assert.Equal(before[1], cache.Layer(1).Rows.ToArray());
    }

    [Fact]
    public void ByteBudgetsTightenTheTokenBudget()
    {
        var cache = new RollingKvCache(
            new RollingKvCacheOptions { LayerCount = 2, BytesPerTokenPerLayer = 100, LayerBudgets = [new KvBudget { MaxTokens = 50 }, new KvBudget { MaxTokens = 50, MaxBytes = 1050 }], MaxPositions = 200, MaxBlockSpan = 16, QuestionReserve = 8 },
            new StreamingLlmEviction());
        Assert.Equal(50, cache.Layer(0).MaxTokens);
        Assert.Equal(10, cache.Layer(1).MaxTokens);
        Assert.Equal(1000, cache.MaxBytes(1));
    }

    [Fact]
    public void HostileShapesAreRejected()
    {
        var cache = Small(8);
        Assert.Throws<ArgumentException>(() => cache.MakeRoom([1, 1], 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => cache.MakeRoom([-1], 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => cache.MakeRoom([9], 16));
        Assert.Throws<ArgumentOutOfRangeException>(() => cache.MakeRoom([3], 17));
        Assert.Throws<ArgumentOutOfRangeException>(() => cache.Layer(1));
        Assert.Throws<ArgumentException>(() => cache.Append(0, [new CachedToken { Position = 1 }, new CachedToken { Position = 1 }]));
        Assert.Throws<ArgumentException>(() => new RollingKvCache(new RollingKvCacheOptions { MaxPositions = 100, Budget = new KvBudget { MaxTokens = 90 }, MaxBlockSpan = 16 }, new StreamingLlmEviction()));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RollingKvCache(new RollingKvCacheOptions { Budget = new KvBudget { MaxTokens = 10, MaxBytes = 1 } }, new StreamingLlmEviction()));
        Assert.Throws<ArgumentException>(() => new RollingKvCache(new RollingKvCacheOptions { LayerCount = 2, LayerBudgets = [new KvBudget()] }, new StreamingLlmEviction()));

        var full = Small(4);
        full.Append(0, Block(0, 4, TokenKind.Prompt));
        Assert.Throws<InvalidOperationException>(() => full.MakeRoom([1], 1));
    }

    [Fact]
    public void ReindexesWhenGapsWouldRunPastTheContext()
    {
        var cache = Small(40); // 40 + 16 + 8 ≤ 64
        long timeline = 0;
        for (var w = 0; w < 20; w++)
        {
            cache.MakeRoom([2], 16);
            cache.Append(0, Block(timeline, 2, step: 15)); // 2 of 16 tokens survive pruning: positions jump
            timeline += 16;
            Assert.True(cache.Layer(0).MaxPosition + 8 < 64, $"window {w}: position {cache.Layer(0).MaxPosition}");
        }

        Assert.Equal(0, cache.EvictedCount);
        Assert.Equal(40, cache.Layer(0).Count);
    }
}
