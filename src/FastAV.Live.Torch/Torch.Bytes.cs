using FastAV.Live.Torch.Native;

namespace FastAV.Live.Torch;

public static unsafe partial class Torch
{
    /// <summary>
    /// A new CPU tensor of <paramref name="dtype"/> and <paramref name="shape"/> whose elements are copied from the raw
    /// little-endian bytes in <paramref name="data"/> (row-major, as PyTorch stores them). This is how element types
    /// without a .NET counterpart (bfloat16) and memory-mapped files become tensors: one copy, straight into the
    /// tensor's storage. The byte count must equal numel × element size.
    /// </summary>
    public static Tensor FromBytes(ReadOnlySpan<byte> data, DType dtype, params ReadOnlySpan<long> shape)
    {
        fixed (byte* d = data)
        fixed (long* s = shape)
        {
            return Tensor.From(TorchNative.fat_from_data(d, data.Length, s, shape.Length, (int)dtype));
        }
    }

    /// <summary>
    /// As <see cref="FromBytes(ReadOnlySpan{byte}, DType, ReadOnlySpan{long})"/> for a region of native memory (a
    /// memory-mapped file) that may exceed 2 GiB; the caller keeps <paramref name="data"/> valid during the call.
    /// </summary>
    public static Tensor FromBytes(IntPtr data, long byteCount, DType dtype, params ReadOnlySpan<long> shape)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(byteCount);
        if (data == IntPtr.Zero && byteCount > 0)
        {
            throw new ArgumentNullException(nameof(data), "data pointer is null");
        }

        fixed (long* s = shape)
        {
            return Tensor.From(TorchNative.fat_from_data((void*)data, byteCount, s, shape.Length, (int)dtype));
        }
    }
}
