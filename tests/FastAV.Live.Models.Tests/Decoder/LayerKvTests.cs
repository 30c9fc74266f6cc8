using FastAV.Live.Models.Decoder;
using FastAV.Live.Torch;

namespace FastAV.Live.Models.Tests.Decoder;

/// <summary>The per-layer cache's bookkeeping: growth, compaction, re-indexing, rollback, and its errors.</summary>
public sealed class LayerKvTests
{
    private static readonly DecoderConfig Config = new()
    {
        HiddenSize = 8, IntermediateSize = 12, LayerCount = 2, AttentionHeadCount = 2, KeyValueHeadCount = 1, VocabSize = 10,
    };

    [Fact]
    public void AppendGrowsByDoublingAndKeepsEveryToken()
    {
        using var scope = new TensorScope();
        using var cache = new DecoderKvCache(Config, initialCapacity: 2);
        var kv = cache[0];
        for (var i = 0; i < 5; i++)
        {
            Append(kv, [10 * i, (10 * i) + 1], [i * 2, (i * 2) + 1]);
        }

        Assert.Equal(10, kv.Count);
        Assert.Equal(16, kv.Capacity);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (long)i), kv.Positions.ToArray());
        Assert.Equal([0f, 1f, 10f, 11f, 20f, 21f, 30f, 31f, 40f, 41f], FirstElements(kv.Keys()));
        Assert.Equal([0f, -1f, -10f, -11f, -20f, -21f, -30f, -31f, -40f, -41f], FirstElements(kv.Values()));
        Assert.Equal(2L * 10 * 1 * 4 * sizeof(float), kv.Bytes);
        Assert.Equal(0, cache[1].Count); // each layer holds its own tokens
        Assert.Equal([10, 0], cache.Counts());
    }

    [Fact]
    public void RetainCompactsInOrderAndRepositionReindexes()
    {
        using var scope = new TensorScope();
        using var cache = new DecoderKvCache(Config);
        var kv = cache[0];
        Append(kv, [0, 1, 2, 3, 4, 5], [100, 101, 102, 103, 104, 105]);
        kv.Retain([1, 3, 4]);
        Assert.Equal([1f, 3f, 4f], FirstElements(kv.Keys()));
        Assert.Equal([-1f, -3f, -4f], FirstElements(kv.Values()));
        Assert.Equal([101L, 103, 104], kv.Positions.ToArray());
        kv.Reposition([0, 1, 2]);
        Assert.Equal([0L, 1, 2], kv.Positions.ToArray());
        Append(kv, [9], [3]);
        Assert.Equal([1f, 3f, 4f, 9f], FirstElements(kv.Keys()));
        kv.Retain([0, 1, 2, 3]); // all of them: nothing moves
        Assert.Equal(4, kv.Count);
        kv.Retain([]);
        Assert.Equal(0, kv.Count);
    }

    [Fact]
    public void TruncateRollsBackTheNewestTokensOfEveryLayer()
    {
        using var scope = new TensorScope();
        using var cache = new DecoderKvCache(Config);
        Append(cache[0], [1, 2, 3], [0, 1, 2]);
        Append(cache[1], [1, 2], [0, 1]);
        var before = cache.Counts();
        Append(cache[0], [7, 8], [3, 4]);
        Append(cache[1], [7], [2]);
        cache.Truncate(before);
        Assert.Equal([3, 2], cache.Counts());
        Assert.Equal([1f, 2f, 3f], FirstElements(cache[0].Keys()));
        cache[1].Clear();
        Assert.Equal(0, cache[1].Count);
        Assert.Equal([0L, 1, 4], cache[1].Keys().Shape);
    }

    [Fact]
    public void BadSlotsPositionsAndCountsAreRejectedAndLeaveTheCacheAsItWas()
    {
        using var scope = new TensorScope();
        using var cache = new DecoderKvCache(Config);
        var kv = cache[0];
        Append(kv, [0, 1, 2], [5, 6, 7]);
        Assert.Throws<ArgumentOutOfRangeException>(() => kv.Retain([0, 3]));
        Assert.Throws<ArgumentOutOfRangeException>(() => kv.Retain([-1]));
        Assert.Throws<ArgumentException>(() => kv.Retain([2, 1]));
        Assert.Throws<ArgumentException>(() => kv.Retain([1, 1]));
        Assert.Throws<ArgumentException>(() => kv.Reposition([1, 2]));
        Assert.Throws<ArgumentOutOfRangeException>(() => kv.Reposition([0, -1, 2]));
        Assert.Throws<ArgumentOutOfRangeException>(() => kv.Truncate(4));
        Assert.Throws<ArgumentOutOfRangeException>(() => kv.Truncate(-1));
        Assert.Throws<ArgumentException>(() => cache.Truncate([1]));
        Assert.Throws<ArgumentOutOfRangeException>(() => cache.Truncate([1, 1]));
        Assert.Equal(3, kv.Count);
        Assert.Equal([5L, 6, 7], kv.Positions.ToArray());
        Assert.Equal([0f, 1f, 2f], FirstElements(kv.Keys()));
        Assert.Throws<ArgumentOutOfRangeException>(() => new DecoderKvCache(Config, initialCapacity: 0));
        Assert.Throws<ArgumentException>(() => new DecoderKvCache(Config with { KeyValueHeadCount = 3 }));
    }

    [Fact]
    public void ADisposedCacheThrowsObjectDisposed()
    {
        var cache = new DecoderKvCache(Config);
        cache.Dispose();
        Assert.Throws<ObjectDisposedException>(() => cache[0].Keys());
        Assert.Throws<ObjectDisposedException>(() => cache[0].Retain([]));
        Assert.Throws<ObjectDisposedException>(() => cache[0].Truncate(0));
    }

    // n tokens whose key elements all equal marks[i] and value elements -marks[i]: [n, 1, 4].
    private static void Append(LayerKv kv, float[] marks, long[] positions)
    {
        using var scope = new TensorScope();
        var keys = Torch.Torch.FromArray(marks, marks.Length, 1, 1).Expand(marks.Length, 1, 4).Contiguous();
        kv.Append(keys, keys.Neg(), positions);
    }

    private static float[] FirstElements(Tensor t) => t.Select(2, 0).Select(1, 0).Contiguous().ToArray<float>();
}
