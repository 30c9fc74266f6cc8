using FastAV.Live.Torch.Tests.Goldens;

namespace FastAV.Live.Torch.Tests;

[Collection(GoldenCollection.Name)]
public sealed class MathTests(GoldenFile goldens)
{
    [Fact]
    public void BroadcastingBinaryOpsMatchPyTorch()
    {
        using var scope = new TensorScope();
        var c = goldens["binary_broadcast"];
        var a = c.Input("a");
        var b = c.Input("b");
        c.AssertClose("add", a + b);
        c.AssertClose("sub", a - b);
        c.AssertClose("mul", a * b);
        c.AssertClose("div", a / b);
        c.AssertClose("maximum", a.Maximum(b));
        c.AssertClose("pow_scalar", a.Abs().Pow(1.5));
        c.AssertClose("pow_tensor", a.Abs().Pow(b));
        c.AssertClose("add_scalar", a + 0.5);
        c.AssertClose("gt", a.Gt(b), atol: 0, rtol: 0);
    }

    [Fact]
    public void IntegerOpsKeepPyTorchTypePromotion()
    {
        using var scope = new TensorScope();
        var c = goldens["binary_int"];
        var a = c.Input("a");
        var b = c.Input("b");
        c.AssertClose("add", a + b, atol: 0, rtol: 0);
        c.AssertClose("mul", a * b, atol: 0, rtol: 0);
        c.AssertClose("div", a / b); // true division: int64 / int64 -> float32
    }

    [Fact]
    public void UnaryOpsAndSoftmaxMatchPyTorch()
    {
        using var scope = new TensorScope();
        var c = goldens["unary"];
        var x = c.Input("x");
        c.AssertClose("sqrt", x.Abs().Sqrt());
        c.AssertClose("rsqrt", (x.Abs() + 0.1).Rsqrt());
        c.AssertClose("exp", x.Exp());
        c.AssertClose("log", (x.Abs() + 0.1).Log());
        c.AssertClose("tanh", x.Tanh());
        c.AssertClose("sigmoid", x.Sigmoid());
        c.AssertClose("silu", Functional.Silu(x));
        c.AssertClose("gelu", Functional.Gelu(x));
        c.AssertClose("gelu_tanh", x.Gelu(GeluApproximation.Tanh));
        c.AssertClose("relu", x.Relu(), atol: 0, rtol: 0);
        c.AssertClose("clamp", x.Clamp(-0.5, 0.5), atol: 0, rtol: 0);
        c.AssertClose("softmax", x.Softmax(-1));
        c.AssertClose("log_softmax", Functional.LogSoftmax(x, 0));
    }

    [Fact]
    public void MatrixProductsMatchPyTorch()
    {
        using var scope = new TensorScope();
        var c = goldens["matmul"];
        var m1 = c.Input("m1");
        var m2 = c.Input("m2");
        var w = c.Input("w");
        var x2 = c.Input("x2");
        c.AssertClose("matmul", m1.Matmul(m2));
        c.AssertClose("bmm", m1.Bmm(c.Input("m3")));
        c.AssertClose("linear", Functional.Linear(x2, w, c.Input("bias")));
        c.AssertClose("linear_nobias", Functional.Linear(x2, w));
        c.AssertClose("addmm", Functional.Addmm(c.Input("c"), x2, w.Transpose(0, 1), beta: 0.5, alpha: 2.0));
        c.AssertClose("matvec", m2.Transpose(0, 1).Matmul(m2.Select(1, 0)));
    }

    [Fact]
    public void NonContiguousInputsMatchPyTorch()
    {
        using var scope = new TensorScope();
        var c = goldens["noncontiguous"];
        var b = c.Input("base");
        var t = b.Transpose(0, 1);
        Assert.False(t.IsContiguous);
        var s = b.Index(null, Torch.Arange(0, 6, 2)); // advanced indexing: a contiguous copy
        // base[:, ::2] as a strided view: strides (6, 2).
        var strided = b.Reshape(4, 3, 2).Select(2, 0);
        Assert.False(strided.IsContiguous);
        c.AssertClose("s_values", strided, atol: 0, rtol: 0);
        c.AssertClose("s_values", s, atol: 0, rtol: 0);
        c.AssertClose("s_mul", strided * strided);
        c.AssertClose("t_matmul", t.Matmul(c.Input("y")));
        c.AssertClose("t_add", t + 1.0);
        c.AssertClose("t_softmax", t.Softmax(1));
        c.AssertClose("t_sum0", t.Sum([0]));
        c.AssertClose("t_reshape", t.Reshape(2, 12), atol: 0, rtol: 0);
        c.AssertClose("t_layer_norm", Functional.LayerNorm(t, [4]), atol: 1e-5);
        Assert.Equal(t.Contiguous().ToArray<float>(), t.ToArray<float>()); // ToArray reads views in logical order
    }

    [Fact]
    public void InPlaceArithmeticWritesThrough()
    {
        using var scope = new TensorScope();
        var t = Torch.FromArray([1f, 2f, 3f]);
        var same = t.Add_(Torch.FromArray([10f])).Mul_(Torch.Full([3], 2)).Sub_(Torch.Ones([3])).Div_(Torch.Full([1], 4));
        Assert.Same(t, same);
        Assert.Equal([5.25f, 5.75f, 6.25f], t.ToArray<float>());
    }
}
