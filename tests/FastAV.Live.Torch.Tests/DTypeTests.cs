using FastAV.Live.Torch.Tests.Goldens;

namespace FastAV.Live.Torch.Tests;

[Collection(GoldenCollection.Name)]
public sealed class DTypeTests(GoldenFile goldens)
{
    [Fact]
    public void SixteenBitFloatsRoundLikePyTorch()
    {
        using var scope = new TensorScope();
        var c = goldens["dtypes"];
        var (h1, h2, b1, b2) = (c.Input("h1"), c.Input("h2"), c.Input("b1"), c.Input("b2"));
        Assert.Equal(DType.Float16, h1.DType);
        Assert.Equal(DType.BFloat16, b1.DType);
        // Results are rounded to the 16-bit type: identical to PyTorch bit for bit.
        c.AssertClose("half_add", h1 + h2, atol: 0, rtol: 0);
        c.AssertClose("half_mul", h1 * h2, atol: 0, rtol: 0);
        c.AssertClose("bf16_mul", b1 * b2, atol: 0, rtol: 0);
        c.AssertClose("bf16_add", b1 + b2, atol: 0, rtol: 0);
        var f40 = c.Input("f40");
        c.AssertClose("f32_to_bf16", f40.To(DType.BFloat16), atol: 0, rtol: 0);
        c.AssertClose("f32_to_half", f40.To(DType.Float16), atol: 0, rtol: 0);
    }

    [Fact]
    public void ConversionsAndIntegerTypesMatchPyTorch()
    {
        using var scope = new TensorScope();
        var c = goldens["dtypes"];
        var f64 = c.Input("f64");
        c.AssertClose("f64_exp", f64.Exp(), atol: 1e-12, rtol: 1e-12);
        c.AssertClose("f64_matmul", f64.Matmul(f64.Transpose(0, 1)), atol: 1e-12, rtol: 1e-12);
        c.AssertClose("u8_add", c.Input("u8") + 10, atol: 0, rtol: 0); // wraps modulo 256
        var i32 = c.Input("i32");
        c.AssertClose("i32_mul", i32 * i32, atol: 0, rtol: 0);
        c.AssertClose("i32_sum", i32.Sum(), atol: 0, rtol: 0); // int32 sums promote to int64
        var bl = c.Input("bl");
        c.AssertClose("bool_not", bl.LogicalNot(), atol: 0, rtol: 0);
        c.AssertClose("bool_and", bl.LogicalAnd(Torch.FromArray([true, true, false])), atol: 0, rtol: 0);
        var truncated = Torch.FromArray([2.7f, -2.7f, 0.5f]).To(DType.Int64);
        Assert.Equal([2L, -2L, 0L], truncated.ToArray<long>());
        Assert.Equal([2, -2, 0], truncated.To(DType.Int32).ToArray<int>());
        Assert.Equal(Device.Cpu, truncated.To(Device.Cpu).Device);
    }

    [Fact]
    public void HalfTensorsRoundTripThroughSpans()
    {
        using var scope = new TensorScope();
        var halves = new[] { (Half)1.5f, (Half)(-0.25f), Half.MaxValue };
        var t = Torch.FromArray(halves);
        Assert.Equal(DType.Float16, t.DType);
        Assert.Equal(halves, t.ToArray<Half>());
        Assert.Equal([1.5f, -0.25f, 65504f], t.To(DType.Float32).ToArray<float>());
    }
}
