using FastAV.Live.Torch.Tests.Goldens;

namespace FastAV.Live.Torch.Tests;

[Collection(GoldenCollection.Name)]
public sealed class CreationTests(GoldenFile goldens)
{
    [Fact]
    public void SeededRandomStreamsEqualPyTorchs()
    {
        using var scope = new TensorScope();
        var c = goldens["random"];
        Torch.ManualSeed(1234);
        c.AssertClose("randn", Torch.Randn([3, 5]), atol: 0, rtol: 0);
        c.AssertClose("rand", Torch.Rand([4]), atol: 0, rtol: 0);
        c.AssertClose("randint", Torch.Randint(0, 10, [6]), atol: 0, rtol: 0);
        c.AssertClose("randperm", Torch.Randperm(7), atol: 0, rtol: 0);
    }

    [Fact]
    public void FactoriesMatchPyTorch()
    {
        using var scope = new TensorScope();
        var c = goldens["creation"];
        c.AssertClose("arange", Torch.Arange(2, 11, 3), atol: 0, rtol: 0);
        c.AssertClose("arange_f", Torch.Arange(0, 1, 0.25, DType.Float32), atol: 0, rtol: 0);
        c.AssertClose("full", Torch.Full([2, 2], 2.5), atol: 0, rtol: 0);
        c.AssertClose("ones_i32", Torch.Ones([3], DType.Int32), atol: 0, rtol: 0);
    }

    [Fact]
    public void RoundTripsSpansOfEveryElementType()
    {
        using var scope = new TensorScope();
        Assert.Equal([1.5f, -2f, 3f, 4f], Torch.FromArray([1.5f, -2f, 3f, 4f], 2, 2).ToArray<float>());
        Assert.Equal([1.5, -2.25], Torch.FromArray([1.5, -2.25]).ToArray<double>());
        Assert.Equal([long.MaxValue, -1L], Torch.FromArray([long.MaxValue, -1L]).ToArray<long>());
        Assert.Equal([int.MinValue, 7], Torch.FromArray([int.MinValue, 7]).ToArray<int>());
        Assert.Equal([(byte)255, (byte)0], Torch.FromArray([(byte)255, (byte)0]).ToArray<byte>());
        Assert.Equal([true, false, true], Torch.FromArray([true, false, true]).ToArray<bool>());
        Assert.Equal([(Half)0.5f, (Half)(-3f)], Torch.FromArray([(Half)0.5f, (Half)(-3f)]).ToArray<Half>());
        var t = Torch.FromArray([1f, 2f, 3f, 4f, 5f, 6f], 2, 3);
        Assert.Equal([2L, 3L], t.Shape);
        Assert.Equal(DType.Float32, t.DType);
        Assert.Equal(Device.Cpu, t.Device);
        Assert.Equal(6, t.NumEl);
        Assert.Equal([3L, 1L], t.Strides);
        Assert.Equal(5f, t.Select(0, 1).Select(0, 1).Item<float>());
        Assert.Equal(21L, t.Sum().Item<long>());
    }

    [Fact]
    public void ZerosOnesEmptyFillAndCopy()
    {
        using var scope = new TensorScope();
        Assert.All(Torch.Zeros([2, 3]).ToArray<float>(), v => Assert.Equal(0f, v));
        Assert.All(Torch.Ones([4], DType.Int64).ToArray<long>(), v => Assert.Equal(1L, v));
        var e = Torch.Empty([3, 2], DType.Float64).Fill_(-0.5);
        Assert.All(e.ToArray<double>(), v => Assert.Equal(-0.5, v));
        var dst = Torch.Zeros([2, 3]);
        dst.Copy_(Torch.FromArray([1f, 2f, 3f])); // broadcast row into both rows
        Assert.Equal([1f, 2f, 3f, 1f, 2f, 3f], dst.ToArray<float>());
        var converted = Torch.Zeros([2], DType.Int32).Copy_(Torch.FromArray([2.9, -1.9]));
        Assert.Equal([2, -1], converted.ToArray<int>());
        var clone = dst.Clone();
        dst.Fill_(0);
        Assert.Equal(12f, clone.Sum().Item<float>());
    }

    [Fact]
    public void RandomShapesAndRanges()
    {
        using var scope = new TensorScope();
        Torch.ManualSeed(7);
        var r = Torch.Rand([1000]).ToArray<float>();
        Assert.All(r, v => Assert.InRange(v, 0f, 1f));
        var ri = Torch.Randint(-3, 3, [1000]).ToArray<long>();
        Assert.All(ri, v => Assert.InRange(v, -3L, 2L));
        Assert.Equal(Enumerable.Range(0, 50).Select(i => (long)i), Torch.Randperm(50).ToArray<long>().Order());
        var n = Torch.Randn([20000], DType.Float64);
        Assert.InRange(n.Mean().Item<double>(), -0.05, 0.05);
        Assert.InRange(n.Norm().Item<double>() / Math.Sqrt(20000), 0.95, 1.05);
    }
}
