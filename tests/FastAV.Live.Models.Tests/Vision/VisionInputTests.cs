using FastAV.Live.Models.Tests.Projectors;
using FastAV.Live.Models.Vision;
using FastAV.Live.Torch;

namespace FastAV.Live.Models.Tests.Vision;

/// <summary>Malformed, truncated and oversized frames: clear ArgumentExceptions, never a crash; the tower stays usable.</summary>
[Collection(EncoderReferenceCollection.Name)]
public sealed class VisionInputTests(EncoderReferenceFile reference)
{
    [Fact]
    public void BadPixelTensorsAreRejected()
    {
        var c = reference["siglip_pool"];
        using var tower = new VisionTower(c.VisionConfig(), c.Weights);
        using var scope = new TensorScope();
        var wrongDims = Assert.Throws<ArgumentException>(() => tower.Embed(Torch.Torch.Zeros([3, 16, 16])));
        Assert.Contains("pixels must be [frames, 3, height, width], got [3, 16, 16]", wrongDims.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => tower.Embed(Torch.Torch.Zeros([1, 4, 16, 16])));
        Assert.Throws<ArgumentException>(() => tower.Embed(Torch.Torch.Zeros([0, 3, 16, 16])));
        var tiny = Assert.Throws<ArgumentException>(() => tower.Embed(Torch.Torch.Zeros([1, 3, 3, 16])));
        Assert.Contains("smaller than one 4x4 patch", tiny.Message, StringComparison.Ordinal);
        var ints = Assert.Throws<ArgumentException>(() => tower.Embed(Torch.Torch.Zeros([1, 3, 16, 16], DType.Int64)));
        Assert.Contains("floating point", ints.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentNullException>(() => tower.Embed(null!));

        // Still works afterwards; float64 input is converted to the weights' type.
        var pixels = c.Tensor("run0", "pixels");
        Parity.AssertClose(c, "run0", "block", tower.Embed(pixels.To(DType.Float64)));
    }

    [Theory]
    [InlineData(0, 1, 16, 16)] // empty
    [InlineData(767, 1, 16, 16)] // truncated
    [InlineData(768, 2, 16, 16)] // claims two frames
    [InlineData(768, 0, 16, 16)]
    [InlineData(768, 1, -16, -16)]
    [InlineData(768, int.MaxValue, int.MaxValue, int.MaxValue)] // the product overflows 64 bits
    public void FlatArraysMustMatchTheirShape(int length, int frames, int height, int width)
    {
        var c = reference["siglip_pool"];
        using var tower = new VisionTower(c.VisionConfig(), c.Weights);
        var ex = Assert.Throws<ArgumentException>(() => tower.Embed(new float[length], frames, height, width));
        Assert.Contains("are not [", ex.Message, StringComparison.Ordinal);
        using var scope = new TensorScope();
        Assert.Equal([4L, 48L], tower.Embed(new float[768], 1, 16, 16).Shape); // one 16x16 frame pooled to 2x2
    }

    [Fact]
    public void OversizedImagesAreRejectedBeforeAnyWork()
    {
        var c = reference["siglip_pool"];
        using var tower = new VisionTower(c.VisionConfig(), c.Weights);
        using var scope = new TensorScope();
        var big = Torch.Torch.Empty([1, 3, VisionEncoderConfig.MaxSize + 1, 4]);
        var ex = Assert.Throws<ArgumentException>(() => tower.Embed(big));
        Assert.Contains("exceeds", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ADisposedTowerThrowsInsteadOfCrashing()
    {
        var c = reference["siglip_pool"];
        var tower = new VisionTower(c.VisionConfig(), c.Weights);
        tower.Dispose();
        using var scope = new TensorScope();
        Assert.Throws<ObjectDisposedException>(() => tower.Embed(c.Tensor("run0", "pixels")));
    }

    [Fact]
    public void TokenCountsFollowTheConfig()
    {
        var c = reference["siglip_odd_heads"];
        using var tower = new VisionTower(c.VisionConfig(), c.Weights);
        Assert.Equal(16, tower.TokensPerFrame(12, 12));
        Assert.Equal(30, tower.TokensPerFrame(18, 15));
        Assert.Equal(16, tower.TokensPerFrame(14, 13));
        Assert.Equal(new PatchGrid(6, 5), tower.Encoder.GridFor(18, 15));
        var clip = reference["clip_full"];
        using var full = new VisionTower(clip.VisionConfig(), clip.Weights);
        Assert.Equal(26, full.TokensPerFrame(10, 10)); // 5x5 patches + the class token
        var pooled = reference["clip_pool_after"];
        using var p = new VisionTower(pooled.VisionConfig(), pooled.Weights);
        Assert.Equal(4, p.TokensPerFrame(21, 28));
    }
}
