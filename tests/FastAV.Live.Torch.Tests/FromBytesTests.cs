using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace FastAV.Live.Torch.Tests;

public sealed class FromBytesTests
{
    [Fact]
    public void Float32BytesBecomeTheSameValues()
    {
        using var scope = new TensorScope();
        float[] values = [1.5f, -2.25f, 3e-8f, float.MaxValue, 0f, -0f];
        var t = Torch.FromBytes(MemoryMarshal.AsBytes(values.AsSpan()), DType.Float32, 2, 3);
        Assert.Equal([2L, 3L], t.Shape);
        Assert.Equal(values, t.ToArray<float>());
    }

    [Fact]
    public void BFloat16BytesAreTheUpperHalvesOfFloat32()
    {
        using var scope = new TensorScope();
        // bf16 is the top 16 bits of an IEEE float32; these four are exact in bf16.
        float[] expected = [1f, -2.5f, 0.15625f, 65536f];
        var bytes = new byte[expected.Length * 2];
        for (var i = 0; i < expected.Length; i++)
        {
            var bits = BitConverter.SingleToUInt32Bits(expected[i]);
            BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(i * 2), (ushort)(bits >> 16));
        }

        var t = Torch.FromBytes(bytes, DType.BFloat16, 4);
        Assert.Equal(DType.BFloat16, t.DType);
        Assert.Equal(expected, t.To(DType.Float32).ToArray<float>());
    }

    [Fact]
    public void Float16AndInt64FromBytes()
    {
        using var scope = new TensorScope();
        Half[] halves = [(Half)0.5f, (Half)(-3f), Half.MaxValue];
        Assert.Equal(halves, Torch.FromBytes(MemoryMarshal.AsBytes(halves.AsSpan()), DType.Float16, 3).ToArray<Half>());
        long[] longs = [long.MinValue, 7, -1];
        Assert.Equal(longs, Torch.FromBytes(MemoryMarshal.AsBytes(longs.AsSpan()), DType.Int64, 3, 1).ToArray<long>());
    }

    [Fact]
    public unsafe void FromNativeMemoryCopiesTheRegion()
    {
        using var scope = new TensorScope();
        var p = NativeMemory.Alloc(16);
        try
        {
            var span = new Span<float>(p, 4);
            span[0] = 1; span[1] = 2; span[2] = 3; span[3] = 4;
            var t = Torch.FromBytes((IntPtr)p, 16, DType.Float32, 2, 2);
            span[0] = 99; // the tensor owns a copy
            Assert.Equal([1f, 2f, 3f, 4f], t.ToArray<float>());
        }
        finally
        {
            NativeMemory.Free(p);
        }
    }

    [Fact]
    public void ByteCountThatDisagreesWithTheShapeIsAClearError()
    {
        var ex = Assert.Throws<TorchException>(() => Torch.FromBytes(new byte[10], DType.Float32, 3));
        Assert.Contains("10 bytes", ex.Message);
        Assert.Contains("needs 12", ex.Message);
        Assert.Throws<TorchException>(() => Torch.FromBytes(new byte[8], DType.Float32, -2));
        Assert.Throws<TorchException>(() => Torch.FromBytes(new byte[8], (DType)99, 2));
        Assert.Throws<ArgumentNullException>(() => Torch.FromBytes(IntPtr.Zero, 8, DType.Float32, 2));
    }

    [Fact]
    public void EmptyShapeIsAScalarAndZeroElementsNeedNoBytes()
    {
        using var scope = new TensorScope();
        Assert.Equal(2.5f, Torch.FromBytes(BitConverter.GetBytes(2.5f), DType.Float32).Item<float>());
        Assert.Equal([0L, 4L], Torch.FromBytes([], DType.BFloat16, 0, 4).Shape);
    }
}
