namespace FastAV.Live.Torch.Tests;

/// <summary>Bad arguments come back as TorchException with libtorch's message; the process lives on.</summary>
public sealed class ErrorTests
{
    [Fact]
    public void ShapeMismatchCarriesLibtorchsMessage()
    {
        using var scope = new TensorScope();
        var a = Torch.Zeros([2, 3]);
        var ex = Assert.Throws<TorchException>(() => a + Torch.Zeros([4]));
        Assert.Contains("must match the size", ex.Message, StringComparison.Ordinal);
        var mm = Assert.Throws<TorchException>(() => a.Matmul(Torch.Zeros([2, 3])));
        Assert.Contains("cannot be multiplied", mm.Message, StringComparison.Ordinal);
        Assert.Throws<TorchException>(() => a.View(7));
        Assert.Throws<TorchException>(() => a.Reshape(-1, -1));
        Assert.Throws<TorchException>(() => Torch.Cat([a, Torch.Zeros([2, 2, 2])]));
        Assert.Throws<TorchException>(() => Torch.Cat([]));
        Assert.Throws<TorchException>(() => Functional.LayerNorm(a, [4]));
        Assert.Throws<TorchException>(() => Functional.RmsNorm(a, [4]));
        Assert.Throws<TorchException>(() => Functional.Conv2d(a, Torch.Zeros([1, 1, 3, 3])));
        Assert.Throws<TorchException>(() => Functional.ScaledDotProductAttention(a, Torch.Zeros([2, 4]), Torch.Zeros([2, 3])));
        // Errors never poison later calls.
        Assert.Equal([2L, 3L], (a + 1).Shape);
    }

    [Fact]
    public void OutOfRangeIndicesAndDims()
    {
        using var scope = new TensorScope();
        var a = Torch.Arange(6, DType.Float32).Reshape(2, 3);
        var ex = Assert.Throws<TorchException>(() => a.IndexSelect(1, Torch.FromArray([5L])));
        Assert.Contains("out of", ex.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Throws<TorchException>(() => a.Select(0, 2));
        Assert.Throws<TorchException>(() => a.Transpose(0, 5));
        Assert.Throws<TorchException>(() => a.Narrow(1, 2, 5));
        Assert.Throws<TorchException>(() => a.Gather(1, Torch.FromArray([7L, 0L, 0L, 0L, 0L, 0L], 2, 3)));
        Assert.Throws<TorchException>(() => Functional.Embedding(Torch.FromArray([10L]), Torch.Zeros([10, 4])));
        Assert.Throws<TorchException>(() => a.TopK(4));
        Assert.Throws<TorchException>(() => a.IndexPut_([Torch.FromArray([9L])], Torch.Zeros([3])));
        Assert.Equal(15f, a.Sum().Item<float>());
    }

    [Fact]
    public void WrongDTypesAndDevices()
    {
        using var scope = new TensorScope();
        var f = Torch.Zeros([3]);
        var ex = Assert.Throws<TorchException>(() => f.IndexSelect(0, Torch.FromArray([0.5f])));
        Assert.False(string.IsNullOrWhiteSpace(ex.Message));
        Assert.DoesNotContain("frame #", ex.Message, StringComparison.Ordinal); // no C++ backtrace in messages
        Assert.Throws<TorchException>(() => Torch.Where(Torch.Zeros([3]), f, f)); // condition must be bool
        Assert.Throws<TorchException>(() => f.MaskedSelect(Torch.Zeros([3])));
        var bmm = Assert.Throws<TorchException>(() => f.Reshape(1, 1, 3).Bmm(Torch.Zeros([1, 3, 1], DType.Float64)));
        Assert.Contains("Double", bmm.Message, StringComparison.Ordinal);
        Assert.Throws<TorchException>(() => Torch.Randint(5, 1, [3]));
        Assert.Throws<InvalidCastException>(() => f.ToArray<long>());
        if (!Cuda.IsAvailable)
        {
            Assert.Throws<TorchException>(() => f.To(Device.Cuda()));
            Assert.Throws<TorchException>(() => Torch.Zeros([2], device: Device.Cuda()));
            Assert.Throws<TorchException>(() => Cuda.DeviceName());
            Assert.Throws<TorchException>(() => Cuda.MemoryAllocated());
            Assert.Equal(0, Cuda.DeviceCount);
        }
    }

    [Fact]
    public void HostileSizesAreRejectedNotCrashes()
    {
        using var scope = new TensorScope();
        Assert.Throws<TorchException>(() => Torch.FromArray([1f, 2f, 3f], 2, 2));
        Assert.Throws<TorchException>(() => Torch.FromArray([1f, 2f], -1, -2));
        Assert.Throws<TorchException>(() => Torch.FromArray(Array.Empty<float>(), long.MaxValue, long.MaxValue));
        Assert.Throws<TorchException>(() => Torch.Zeros([-1]));
        Assert.Throws<TorchException>(() => Torch.Empty([long.MaxValue, long.MaxValue]));
        Assert.Throws<TorchException>(() => Torch.Arange(0, 10, 0));
        Assert.Throws<TorchException>(() => Functional.Interpolate(Torch.Zeros([1, 1, 2, 2]), 0, 3));
        Assert.Throws<TorchException>(() => Functional.Interpolate(Torch.Zeros([2, 2]), 3, 3));
        Assert.Throws<TorchException>(() => Functional.Interpolate(Torch.Zeros([1, 1, 2, 2]), 3, 3, InterpolateMode.Nearest, alignCorners: true));
        Assert.Throws<TorchException>(() => Functional.ScaledDotProductAttention(
            Torch.Zeros([1, 2, 4]), Torch.Zeros([1, 2, 4]), Torch.Zeros([1, 2, 4]), Torch.Ones([2, 2], DType.Bool), isCausal: true));
        Assert.Throws<ArgumentOutOfRangeException>(() => Torch.Zeros([4]).Split(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Functional.RmsNorm(Torch.Zeros([4]), [4], eps: -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => Torch.ThreadCount = 0);
        Assert.Throws<FormatException>(() => Device.Parse("tpu:0"));
        Assert.Equal(Device.Cuda(3), Device.Parse("cuda:3"));
        Assert.Equal("cpu", Device.Parse("cpu").ToString());
    }

    [Fact]
    public void UseAfterDisposeThrowsObjectDisposed()
    {
        var t = Torch.Ones([2]);
        var other = Torch.Ones([2]);
        t.Dispose();
        t.Dispose(); // idempotent
        Assert.True(t.IsDisposed);
        Assert.Throws<ObjectDisposedException>(() => t.Shape);
        Assert.Throws<ObjectDisposedException>(() => t.ToArray<float>());
        Assert.Throws<ObjectDisposedException>(() => t.Add(other));
        Assert.Throws<ObjectDisposedException>(() => other.Add(t));
        Assert.Throws<ObjectDisposedException>(() => Torch.Cat([other, t]));
        Assert.Throws<ObjectDisposedException>(() => Functional.Linear(other, other, t));
        Assert.Throws<ObjectDisposedException>(() => t.Fill_(1));
        Assert.Equal("Tensor(disposed)", t.ToString());
        Assert.Equal([2f], other.Sum().ToArray<float>());
        other.Dispose();
    }
}
