using FastAV.Live.Models.Vision;
using FastAV.Live.Torch;

namespace FastAV.Live.Models.Tests.Vision;

public sealed class PatchGridPoolingTests
{
    [Fact]
    public void EvenGridsAverageBlocks()
    {
        using var scope = new TensorScope();
        // One frame, 4x4 grid, hidden 1: token value = row * 4 + col.
        var tokens = Torch.Torch.Arange(16, DType.Float32).Reshape(1, 16, 1);
        var pooled = PatchGridPooling.Pool(tokens, new PatchGrid(4, 4), new PatchGrid(2, 2));
        Assert.Equal([1L, 4L, 1L], pooled.Shape);
        Assert.Equal([2.5f, 4.5f, 10.5f, 12.5f], pooled.ToArray<float>());
    }

    [Fact]
    public void UnevenGridsUseOverlappingAdaptiveCells()
    {
        using var scope = new TensorScope();
        // 5 rows -> 3: cells cover rows [0,2), [1,4), [3,5); 1 column -> 1; two hidden channels (x, 10x).
        var values = new float[] { 0, 0, 1, 10, 2, 20, 3, 30, 4, 40 };
        var tokens = Torch.Torch.FromArray(values, 1, 5, 2);
        var pooled = PatchGridPooling.Pool(tokens, new PatchGrid(5, 1), new PatchGrid(3, 1)).ToArray<float>();
        Assert.Equal([0.5f, 5f, 2f, 20f, 3.5f, 35f], pooled);
    }

    [Fact]
    public void FramesArePooledIndependently()
    {
        using var scope = new TensorScope();
        var tokens = Torch.Torch.Cat([Torch.Torch.Zeros([1, 4, 3]), Torch.Torch.Ones([1, 4, 3])], 0);
        var pooled = PatchGridPooling.Pool(tokens, new PatchGrid(2, 2), new PatchGrid(1, 1));
        Assert.Equal([0f, 0f, 0f, 1f, 1f, 1f], pooled.ToArray<float>());
    }

    [Fact]
    public void MismatchedShapesAreRejected()
    {
        using var scope = new TensorScope();
        var tokens = Torch.Torch.Zeros([1, 16, 2]);
        Assert.Throws<ArgumentException>(() => PatchGridPooling.Pool(tokens, new PatchGrid(3, 5), new PatchGrid(2, 2)));
        Assert.Throws<ArgumentException>(() => PatchGridPooling.Pool(Torch.Torch.Zeros([16, 2]), new PatchGrid(4, 4), new PatchGrid(2, 2)));
        Assert.Throws<ArgumentOutOfRangeException>(() => PatchGridPooling.Pool(tokens, new PatchGrid(4, 4), new PatchGrid(0, 2)));
    }
}
