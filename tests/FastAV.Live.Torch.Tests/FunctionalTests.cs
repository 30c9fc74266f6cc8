using FastAV.Live.Torch.Tests.Goldens;

namespace FastAV.Live.Torch.Tests;

[Collection(GoldenCollection.Name)]
public sealed class FunctionalTests(GoldenFile goldens)
{
    [Fact]
    public void LayerNormMatchesPyTorch()
    {
        using var scope = new TensorScope();
        var c = goldens["layer_norm"];
        var x = c.Input("x");
        c.AssertClose("y", Functional.LayerNorm(x, [4], c.Input("w"), c.Input("b"), 1e-5));
        c.AssertClose("y2", Functional.LayerNorm(x, [3, 4], eps: 1e-3));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void RmsNormMatchesItsDefinition(bool forceComposite)
    {
        using var scope = new TensorScope();
        var c = goldens["rms_norm"];
        var x = c.Input("x");
        var w = c.Input("w");
        c.AssertClose("y", Functional.RmsNorm(x, [4], w, 1e-6, forceComposite), checkDType: false);
        c.AssertClose("y_default_eps", Functional.RmsNorm(x, [4], w, null, forceComposite), checkDType: false);
        c.AssertClose("y2", Functional.RmsNorm(x, [3, 4], null, 1e-5, forceComposite), checkDType: false);
        Assert.Equal(DType.Float32, Functional.RmsNorm(x, [4], w, null, forceComposite).DType);
        var h = goldens["rms_norm_half"];
        var y = Functional.RmsNorm(h.Input("x"), [4], h.Input("w"), 1e-6, forceComposite);
        h.AssertClose("y", y, atol: 2e-3, rtol: 2e-3);
    }

    [Fact]
    public void NativeAndCompositeRmsNormAgree()
    {
        using var scope = new TensorScope();
        var x = goldens["rms_norm"].Input("x");
        var w = goldens["rms_norm"].Input("w");
        var native = Functional.RmsNorm(x, [4], w, 1e-6, forceComposite: false);
        var composite = Functional.RmsNorm(x, [4], w, 1e-6, forceComposite: true);
        // On libtorch < 2.4 both calls take the composition; on 2.4+ this compares it against at::rms_norm.
        Assert.True((native - composite).Abs().Max().Item<double>() <= 1e-6, $"native vs composite on libtorch {Torch.Version}");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ScaledDotProductAttentionMatchesItsDefinition(bool forceComposite)
    {
        using var scope = new TensorScope();
        var c = goldens["sdpa"];
        var (q, k, v) = (c.Input("q"), c.Input("k"), c.Input("v"));
        Tensor Attend(Tensor? mask = null, bool causal = false, double? scale = null) =>
            Functional.ScaledDotProductAttention(q, k, v, mask, causal, scale, forceComposite);
        c.AssertClose("plain", Attend(), checkDType: false);
        c.AssertClose("causal", Attend(causal: true), checkDType: false);
        c.AssertClose("bool_mask", Attend(c.Input("bmask")), checkDType: false);
        c.AssertClose("float_mask", Attend(c.Input("fmask")), checkDType: false);
        c.AssertClose("scaled", Attend(scale: 0.3), checkDType: false);
        Assert.Equal([2L, 2L, 3L, 6L], Attend().Shape);
    }

    [Fact]
    public void NativeAndCompositeAttentionAgree()
    {
        using var scope = new TensorScope();
        var c = goldens["sdpa"];
        var (q, k, v) = (c.Input("q"), c.Input("k"), c.Input("v"));
        foreach (var causal in new[] { false, true })
        {
            var native = Functional.ScaledDotProductAttention(q, k, v, null, causal, null, forceComposite: false);
            var composite = Functional.ScaledDotProductAttention(q, k, v, null, causal, null, forceComposite: true);
            Assert.True((native - composite).Abs().Max().Item<double>() <= 1e-5, $"causal={causal} on libtorch {Torch.Version}");
        }
    }

    [Fact]
    public void ConvolutionsMatchPyTorch()
    {
        using var scope = new TensorScope();
        var c1 = goldens["conv1d"];
        var w1 = c1.Input("w");
        c1.AssertClose("y", Functional.Conv1d(c1.Input("x"), w1, c1.Input("b"), stride: 2, padding: 1, groups: 2), atol: 1e-4);
        var wDil = Torch.Cat([w1.Narrow(2, 0, 2), w1.Narrow(2, 0, 2)], 1); // == w[:, :, :2].repeat(1, 2, 1)
        c1.AssertClose("y_dil", Functional.Conv1d(c1.Input("x"), wDil, dilation: 3), atol: 1e-4);
        var c2 = goldens["conv2d"];
        c2.AssertClose("y", Functional.Conv2d(c2.Input("x"), c2.Input("w"), c2.Input("b"), stride: (2, 1), padding: (1, 2), groups: 2), atol: 1e-4);
        c2.AssertClose("y_dil", Functional.Conv2d(c2.Input("x"), c2.Input("w"), padding: (1, 1), dilation: (1, 2), groups: 2), atol: 1e-4);
    }

    [Fact]
    public void InterpolateEmbeddingCosineMatchPyTorch()
    {
        using var scope = new TensorScope();
        var c = goldens["interpolate"];
        var img = c.Input("x");
        c.AssertClose("bilinear", Functional.Interpolate(img, 5, 7, InterpolateMode.Bilinear));
        c.AssertClose("bilinear_ac", Functional.Interpolate(img, 5, 7, InterpolateMode.Bilinear, alignCorners: true));
        c.AssertClose("nearest", Functional.Interpolate(img, 6, 2), atol: 0, rtol: 0);
        c.AssertClose("down", Functional.Interpolate(img, 2, 2, InterpolateMode.Bilinear));
        c.AssertClose("bicubic", Functional.Interpolate(img, 5, 7, InterpolateMode.Bicubic));
        c.AssertClose("bicubic_ac", Functional.Interpolate(img, 5, 7, InterpolateMode.Bicubic, alignCorners: true));
        c.AssertClose("bicubic_down", Functional.Interpolate(img, 2, 3, InterpolateMode.Bicubic));
        c.AssertClose("bicubic_same", Functional.Interpolate(img, 3, 4, InterpolateMode.Bicubic));
        Assert.Equal(img.ToArray<float>(), Functional.Interpolate(img, 3, 4, InterpolateMode.Bicubic).ToArray<float>());
        var e = goldens["embedding"];
        e.AssertClose("y", Functional.Embedding(e.Input("i"), e.Input("w")), atol: 0, rtol: 0);
        var cs = goldens["cosine"];
        var a = cs.Input("a");
        cs.AssertClose("y", Functional.CosineSimilarity(a, cs.Input("b")));
        cs.AssertClose("y0", Functional.CosineSimilarity(a, a * 2 + 1, 0));
    }

    [Fact]
    public void AveragePoolingMatchesPyTorch()
    {
        using var scope = new TensorScope();
        var c = goldens["avg_pool"];
        var x1 = c.Input("x1");
        var x2 = c.Input("x2");
        c.AssertClose("p1", Functional.AvgPool1d(x1, 2));
        c.AssertClose("p1_ceil", Functional.AvgPool1d(x1, 3, ceilMode: true));
        c.AssertClose("p1_pad", Functional.AvgPool1d(x1, 3, stride: 2, padding: 1, countIncludePad: false));
        c.AssertClose("p2", Functional.AvgPool2d(x2, (2, 2)));
        c.AssertClose("p2_ceil", Functional.AvgPool2d(x2, (3, 2), ceilMode: true));
        c.AssertClose("p2_pad", Functional.AvgPool2d(x2, (3, 3), stride: (2, 1), padding: (1, 1)));
        c.AssertClose("a2", Functional.AdaptiveAvgPool2d(x2, 3, 2));
        c.AssertClose("a2_up", Functional.AdaptiveAvgPool2d(x2, 9, 5));
        Assert.Equal([2L, 3L, 4L], Functional.AvgPool1d(x1, 3, ceilMode: true).Shape);
    }

    [Fact]
    public void PoolingRejectsBadArguments()
    {
        using var scope = new TensorScope();
        var x = Torch.Ones([1, 2, 4, 4]);
        Assert.Throws<TorchException>(() => Functional.AvgPool1d(Torch.Ones([1, 2, 4]), 0));
        Assert.Throws<TorchException>(() => Functional.AvgPool1d(Torch.Ones([1, 2, 4]), 5));
        Assert.Throws<TorchException>(() => Functional.AvgPool1d(Torch.Ones([1, 2, 4]), 2, padding: 2));
        Assert.Throws<TorchException>(() => Functional.AvgPool2d(x, (-1, 2)));
        Assert.Throws<TorchException>(() => Functional.AvgPool2d(Torch.Ones([4]), (2, 2)));
        Assert.Throws<TorchException>(() => Functional.AdaptiveAvgPool2d(x, 0, 2));
        Assert.Throws<TorchException>(() => Functional.AdaptiveAvgPool2d(Torch.Ones([4]), 1, 1));
        Assert.Throws<TorchException>(() => Functional.Interpolate(Torch.Ones([2, 4]), 3, 3, InterpolateMode.Bicubic));
        Assert.Equal(1f, Functional.AdaptiveAvgPool2d(x, 1, 1).Sum().Item<float>() / 2);
    }
}
