using FastAV.Live.Models.Decoder;
using FastAV.Live.Torch;

namespace FastAV.Live.Models.Tests.Decoder;

/// <summary>Properties the engine relies on, checked on random weights (no reference needed).</summary>
public sealed class DecoderModelTests
{
    internal static readonly DecoderConfig Config = new()
    {
        HiddenSize = 24, IntermediateSize = 32, LayerCount = 3, AttentionHeadCount = 4, KeyValueHeadCount = 2, VocabSize = 50,
        AttentionBias = true,
    };

    [Fact]
    public void ShiftingEveryPositionByAConstantChangesNothing()
    {
        // RoPE is relative: re-indexing a whole cache and block by an offset keeps the logits.
        using var weights = new RandomDecoderWeights(Config);
        using var model = DecoderModel.Load(Config, weights);
        using var scope = new TensorScope();
        long[] prompt = [3, 14, 15, 9, 26, 5];
        long[] block = [35, 8, 9];
        using var a = model.CreateCache();
        using var b = model.CreateCache();
        model.Forward(prompt, [0, 1, 2, 3, 4, 5], a);
        model.Forward(prompt, [0, 1, 2, 3, 4, 5], b);
        foreach (var layer in b.Layers)
        {
            layer.Reposition([1000, 1001, 1002, 1003, 1004, 1005]);
        }

        var expected = model.Forward(block, [6, 7, 8], a).ToArray<float>();
        var shifted = model.Forward(block, [1006, 1007, 1008], b).ToArray<float>();
        Close.Equal(expected, shifted, "logits after shifting all positions by 1000");
    }

    [Fact]
    public void RollingBackAQuestionRestoresTheCacheExactly()
    {
        using var weights = new RandomDecoderWeights(Config);
        using var model = DecoderModel.Load(Config, weights);
        using var scope = new TensorScope();
        using var cache = model.CreateCache(initialCapacity: 2);
        model.Forward([1, 2, 3, 4], [0, 1, 2, 3], cache);
        var counts = cache.Counts();
        var keys = cache[1].Keys().Clone().ToArray<float>();
        model.Forward([7, 8, 9, 10, 11], [4, 5, 6, 7, 8], cache); // a question that grows the storage
        cache.Truncate(counts);
        Assert.Equal(keys, cache[1].Keys().Contiguous().ToArray<float>());

        using var fresh = model.CreateCache();
        model.Forward([1, 2, 3, 4], [0, 1, 2, 3], fresh);
        Assert.Equal(model.Forward([5], [4], fresh).ToArray<float>(), model.Forward([5], [4], cache).ToArray<float>());
    }

    [Fact]
    public void RunningLayersInPiecesEqualsRunningThemAtOnce()
    {
        using var weights = new RandomDecoderWeights(Config);
        using var model = DecoderModel.Load(Config, weights);
        using var scope = new TensorScope();
        using var whole = model.CreateCache();
        using var pieces = model.CreateCache();
        long[] ids = [4, 8, 15, 16, 23, 42];
        long[] positions = [0, 1, 2, 3, 4, 5];
        var lastQuery = new LastQueryAttention();
        var expected = model.RunLayers(model.Embed(ids), positions, whole, 0, 3).ToArray<float>();
        var h = model.Embed(ids);
        h = model.RunLayers(h, positions, pieces, 0, 1, lastQuery);
        h = model.RunLayers(h, positions, pieces, 1, 1); // an empty range hands the input back
        h = model.RunLayers(h, positions, pieces, 1, 3, lastQuery);
        Assert.Equal(expected, h.ToArray<float>());
        Assert.Equal([0, 1, 2], lastQuery.Layers);
        Assert.All(lastQuery.Layers, l => Assert.Equal(1.0, lastQuery.Row(l).Sum(), 1e-5));
        Assert.Equal([0, 1, 2, 3, 4, 5], lastQuery.Slots(2));
        Assert.Throws<KeyNotFoundException>(() => lastQuery.Row(3));
        lastQuery.Clear();
        Assert.False(lastQuery.Contains(0));
    }

    [Fact]
    public void TiedHeadIsTheEmbeddingAndHalfPrecisionRuns()
    {
        var tied = Config with { TieWordEmbeddings = true, AttentionBias = false };
        using var weights = new RandomDecoderWeights(tied, dtype: DType.BFloat16);
        Assert.False(weights.Contains("lm_head.weight"));
        using var model = DecoderModel.Load(tied, weights);
        using var scope = new TensorScope();
        using var cache = model.CreateCache();
        Assert.Equal(DType.BFloat16, model.DType);
        var lastQuery = new LastQueryAttention();
        var logits = model.Forward([1, 2, 3], [0, 1, 2], cache, lastQuery);
        Assert.Equal([3L, 50], logits.Shape);
        Assert.Equal(DType.BFloat16, logits.DType);
        Assert.True(logits.To(DType.Float32).Abs().Max().Item<float>() is > 0 and < float.PositiveInfinity);
        Assert.Equal(1.0, lastQuery.Row(0).Sum(), 1e-2);
        Assert.Equal(2L * 3 * 2 * 6 * 2, cache[0].Bytes);
    }
}
