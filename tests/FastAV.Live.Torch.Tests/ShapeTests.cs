using FastAV.Live.Torch.Tests.Goldens;

namespace FastAV.Live.Torch.Tests;

[Collection(GoldenCollection.Name)]
public sealed class ShapeTests(GoldenFile goldens)
{
    [Fact]
    public void ViewsAndReshapesMatchPyTorch()
    {
        using var scope = new TensorScope();
        var c = goldens["shape"];
        var ar = Torch.Arange(24).Reshape(2, 3, 4);
        var ar2 = Torch.Arange(100, 112).Reshape(2, 3, 2);
        c.AssertClose("permute", ar.Permute(2, 0, 1), atol: 0, rtol: 0);
        c.AssertClose("narrow", ar.Narrow(2, 1, 2), atol: 0, rtol: 0);
        c.AssertClose("select", ar.Select(1, 2), atol: 0, rtol: 0);
        c.AssertClose("cat", Torch.Cat([ar, ar2], 2), atol: 0, rtol: 0);
        c.AssertClose("stack", Torch.Stack([ar2, ar2 * 2], 0), atol: 0, rtol: 0);
        var split = ar.Split(3, 2);
        Assert.Equal(2, split.Length);
        c.AssertClose("split0", split[0], atol: 0, rtol: 0);
        c.AssertClose("split1", split[1], atol: 0, rtol: 0);
        var chunks = ar.Chunk(2, 1);
        Assert.Equal(2, chunks.Length);
        c.AssertClose("chunk1", chunks[1], atol: 0, rtol: 0);
        c.AssertClose("unsqueeze", ar.Unsqueeze(1), atol: 0, rtol: 0);
        c.AssertClose("transpose", ar.Transpose(0, 2), atol: 0, rtol: 0);
        c.AssertClose("expand", Torch.Arange(3).Reshape(3, 1).Expand(3, 4), atol: 0, rtol: 0);
        c.AssertClose("flatten", ar.Flatten(1), atol: 0, rtol: 0);
    }

    [Fact]
    public void ViewsShareStorageAndContiguousCopies()
    {
        using var scope = new TensorScope();
        var t = Torch.Zeros([2, 3]);
        var row = t.Select(0, 1);
        row.Fill_(5);
        Assert.Equal([0f, 0f, 0f, 5f, 5f, 5f], t.ToArray<float>());
        var tt = t.Transpose(0, 1);
        Assert.False(tt.IsContiguous);
        Assert.Equal([1L, 3L], tt.Strides);
        var c = tt.Contiguous();
        Assert.True(c.IsContiguous);
        Assert.Equal([0f, 5f, 0f, 5f, 0f, 5f], c.ToArray<float>());
        Assert.Equal([2L, 3L], t.View(6).Reshape(-1, 3).Shape);
        Assert.Equal([3L], t.Unsqueeze(0).Narrow(1, 0, 1).Squeeze().Shape);
        Assert.Equal([2L, 1L, 3L], t.Unsqueeze(1).Unsqueeze(0).Squeeze(0).Shape);
    }
}
