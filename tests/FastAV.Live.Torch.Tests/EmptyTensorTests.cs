using FastAV.Live.Torch.Tests.Goldens;

namespace FastAV.Live.Torch.Tests;

[Collection(GoldenCollection.Name)]
public sealed class EmptyTensorTests(GoldenFile goldens)
{
    [Fact]
    public void EmptyTensorsBehaveLikePyTorch()
    {
        using var scope = new TensorScope();
        var c = goldens["empty"];
        var e = Torch.Zeros([0, 3]);
        Assert.Equal(0, e.NumEl);
        Assert.Empty(e.ToArray<float>());
        c.AssertClose("sum0", e.Sum([0]));
        c.AssertClose("matmul", e.Matmul(Torch.Ones([3, 2])));
        c.AssertClose("cat", Torch.Cat([e, Torch.Ones([2, 3])]));
        c.AssertClose("softmax", e.Softmax(-1));
        c.AssertClose("reshape", e.Reshape(3, 0));
        c.AssertClose("masked_select", Torch.Ones([0]).MaskedSelect(Torch.Zeros([0], DType.Bool)));
        var fromEmpty = Torch.FromSpan(ReadOnlySpan<float>.Empty, 0, 4);
        Assert.Equal([0L, 4L], fromEmpty.Shape);
        Assert.Empty(fromEmpty.Split(2, 0)[0].ToArray<float>());
    }
}
