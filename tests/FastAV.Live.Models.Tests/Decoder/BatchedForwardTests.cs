using FastAV.Live.Models.Decoder;
using FastAV.Live.Torch;

namespace FastAV.Live.Models.Tests.Decoder;

/// <summary>Several sequences through the decoder in one batched forward against each run alone.</summary>
public sealed class BatchedForwardTests
{
    private const double Tolerance = 1e-5;
    private static readonly DecoderConfig Config = DecoderModelTests.Config;

    [Fact]
    public void ABatchOfBlocksEqualsEachBlockAlone()
    {
        using var weights = new RandomDecoderWeights(Config);
        using var model = DecoderModel.Load(Config, weights);
        using var scope = new TensorScope();

        // Three sequences unlike each other: a long history, a history attended through chosen slots, an empty cache.
        long[][] histories = [[3, 14, 15, 9, 26, 5, 35, 8], [2, 7, 18, 28], []];
        long[][] blocks = [[9, 7, 9], [3, 2, 3, 8, 4, 6], [1]];
        var slots = new Dictionary<int, int[]> { [0] = [0, 2], [2] = [1, 2, 3] };
        var alone = new DecoderKvCache[3];
        var together = new DecoderKvCache[3];
        for (var i = 0; i < 3; i++)
        {
            alone[i] = model.CreateCache();
            together[i] = model.CreateCache();
            if (histories[i].Length == 0) continue;
            var positions = Enumerable.Range(0, histories[i].Length).Select(p => (long)p).ToArray();
            model.Forward(histories[i], positions, alone[i]);
            model.Forward(histories[i], positions, together[i]);
        }

        try
        {
            var expected = new float[3][];
            var expectedRows = new LastQueryAttention[3];
            for (var i = 0; i < 3; i++)
            {
                expectedRows[i] = new LastQueryAttention();
                var h = model.RunLayers(model.Embed(blocks[i]), Positions(histories[i], blocks[i]), alone[i], 0, Config.LayerCount, expectedRows[i], i == 1 ? slots : null);
                expected[i] = h.ToArray<float>();
            }

            var rows = Enumerable.Range(0, 3).Select(_ => new LastQueryAttention()).ToArray();
            var batch = Enumerable.Range(0, 3).Select(i => new DecoderBlock
            {
                Hidden = model.Embed(blocks[i]),
                Positions = Positions(histories[i], blocks[i]),
                Cache = together[i],
                CachedSlots = i == 1 ? slots : null,
                LastQuery = rows[i],
            }).ToArray();

            // Every block attends only over its own cache: the batch changes nothing any block computes.
            var outputs = model.RunLayers(batch, 0, Config.LayerCount);
            for (var i = 0; i < 3; i++)
            {
                Assert.Equal([blocks[i].Length, Config.HiddenSize], outputs[i].Shape);
                Close.Equal(expected[i], outputs[i].ToArray<float>(), $"block {i} output", Tolerance);
                for (var l = 0; l < Config.LayerCount; l++)
                {
                    Assert.Equal(expectedRows[i].Slots(l), rows[i].Slots(l));
                    Close.Equal(expectedRows[i].Row(l), rows[i].Row(l), $"block {i} layer {l} last-query row", Tolerance);
                    Assert.Equal(alone[i][l].Positions.ToArray(), together[i][l].Positions.ToArray());
                    Close.Equal(alone[i][l].Keys().Contiguous().ToArray<float>(), together[i][l].Keys().Contiguous().ToArray<float>(), $"block {i} layer {l} keys", Tolerance);
                    Close.Equal(alone[i][l].Values().Contiguous().ToArray<float>(), together[i][l].Values().Contiguous().ToArray<float>(), $"block {i} layer {l} values", Tolerance);
                }
            }
        }
        finally
        {
            foreach (var c in alone.Concat(together)) c.Dispose();
        }
    }

    [Fact]
    public void ARejectedBatchAppendsNothingToAnyCache()
    {
        using var weights = new RandomDecoderWeights(Config);
        using var model = DecoderModel.Load(Config, weights);
        using var scope = new TensorScope();
        using var a = model.CreateCache();
        using var b = model.CreateCache();
        DecoderBlock Block(DecoderKvCache cache, long[] positions, Tensor? hidden = null) =>
            new() { Hidden = hidden ?? model.Embed([1, 2]), Positions = positions, Cache = cache };

        // A bad block anywhere in the batch: positions, width, dtype, slots, a cache shared by two blocks, no blocks.
        Assert.Throws<ArgumentException>(() => model.RunLayers([Block(a, [0, 1]), Block(b, [0])], 0, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => model.RunLayers([Block(a, [0, 1]), Block(b, [0, -1])], 0, 3));
        Assert.Throws<ArgumentException>(() => model.RunLayers([Block(a, [0, 1]), Block(b, [0, 1], Torch.Torch.Zeros([2, 23]))], 0, 3));
        Assert.Throws<ArgumentException>(() => model.RunLayers([Block(a, [0, 1]), Block(b, [0, 1], Torch.Torch.Zeros([2, 24], DType.Float64))], 0, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => model.RunLayers([Block(a, [0, 1]), Block(b, [0, 1]) with { CachedSlots = new Dictionary<int, int[]> { [1] = [0] } }], 0, 3));
        Assert.Throws<ArgumentException>(() => model.RunLayers([Block(a, [0, 1]), Block(a, [2, 3])], 0, 3));
        Assert.Throws<ArgumentException>(() => model.RunLayers([], 0, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => model.RunLayers([Block(a, [0, 1])], 0, 4));
        Assert.Equal([0, 0, 0], a.Counts());
        Assert.Equal([0, 0, 0], b.Counts());
    }

    private static long[] Positions(long[] history, long[] block) =>
        Enumerable.Range(history.Length, block.Length).Select(p => (long)p).ToArray();
}
