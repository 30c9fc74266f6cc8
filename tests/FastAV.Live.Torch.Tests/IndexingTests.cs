using FastAV.Live.Torch.Tests.Goldens;

namespace FastAV.Live.Torch.Tests;

[Collection(GoldenCollection.Name)]
public sealed class IndexingTests(GoldenFile goldens)
{
    [Fact]
    public void GatherScatterSelectMatchPyTorch()
    {
        using var scope = new TensorScope();
        var c = goldens["indexing"];
        var x = c.Input("x");
        var gidx = c.Input("gidx");
        c.AssertClose("index_select", x.IndexSelect(0, Torch.FromArray([2L, 0L, 2L])), atol: 0, rtol: 0);
        c.AssertClose("gather", x.Gather(1, gidx), atol: 0, rtol: 0);
        c.AssertClose("scatter", Torch.Zeros([4, 3]).Scatter(1, gidx, c.Input("src")), atol: 0, rtol: 0);
        c.AssertClose("masked_select", x.MaskedSelect(x.Gt(0)), atol: 0, rtol: 0);
        c.AssertClose("where", Torch.Where(x.Gt(0), x, Torch.Zeros([])), atol: 0, rtol: 0);
        c.AssertClose("masked_fill", x.MaskedFill(x.Lt(0), -1), atol: 0, rtol: 0);
        c.AssertClose("index_rows", x.Index(Torch.FromArray([3L, 1L])), atol: 0, rtol: 0);
        c.AssertClose("index_cols", x.Index(null, Torch.FromArray([2L, 0L])), atol: 0, rtol: 0);
    }

    [Fact]
    public void IndexPutWritesInPlaceLikePyTorch()
    {
        using var scope = new TensorScope();
        var c = goldens["indexing"];
        var put = c.Input("x");
        Assert.Same(put, put.IndexPut_([Torch.FromArray([1L, 3L])], Torch.FromArray([9f, 8f, 7f])));
        c.AssertClose("index_put", put, atol: 0, rtol: 0);
        var acc = c.Input("x");
        acc.IndexPut_([Torch.FromArray([0L, 0L]), Torch.FromArray([1L, 1L])], Torch.FromArray([1f, 2f]), accumulate: true);
        c.AssertClose("index_put_acc", acc, atol: 1e-6, rtol: 0);
    }

    [Fact]
    public void KvCompactionKeepsSelectedTokensInOrder()
    {
        using var scope = new TensorScope();
        // [heads=2, tokens=5, dim=3]: keep tokens 0, 2, 4 (e.g. after pruning) and write them back compacted.
        var kv = Torch.Arange(30, DType.Float32).Reshape(2, 5, 3);
        var keep = Torch.FromArray([0L, 2L, 4L]);
        var compact = kv.IndexSelect(1, keep);
        var cache = Torch.Zeros([2, 5, 3]);
        cache.IndexPut_([null, Torch.Arange(3)], compact);
        var values = cache.ToArray<float>();
        Assert.Equal([0f, 1f, 2f, 6f, 7f, 8f, 12f, 13f, 14f, 0f, 0f, 0f, 0f, 0f, 0f], values[..15]);
        Assert.Equal([15f, 16f, 17f, 21f, 22f, 23f, 27f, 28f, 29f], values[15..24]);
    }
}
