using FastAV.Live.Torch.Native;

namespace FastAV.Live.Torch;

// Views and shape changes. View-returning ops share storage with this tensor.
public sealed unsafe partial class Tensor
{
    public Tensor Reshape(params ReadOnlySpan<long> shape)
    {
        fixed (long* p = shape)
        {
            return From(TorchNative.fat_reshape(Handle, p, shape.Length));
        }
    }

    public Tensor View(params ReadOnlySpan<long> shape)
    {
        fixed (long* p = shape)
        {
            return From(TorchNative.fat_view(Handle, p, shape.Length));
        }
    }

    public Tensor Permute(params ReadOnlySpan<long> dims)
    {
        fixed (long* p = dims)
        {
            return From(TorchNative.fat_permute(Handle, p, dims.Length));
        }
    }

    public Tensor Expand(params ReadOnlySpan<long> shape)
    {
        fixed (long* p = shape)
        {
            return From(TorchNative.fat_expand(Handle, p, shape.Length));
        }
    }

    public Tensor Transpose(long dim0, long dim1) => From(TorchNative.fat_transpose(Handle, dim0, dim1));

    public Tensor Narrow(long dim, long start, long length) => From(TorchNative.fat_narrow(Handle, dim, start, length));

    public Tensor Select(long dim, long index) => From(TorchNative.fat_select(Handle, dim, index));

    public Tensor Unsqueeze(long dim) => From(TorchNative.fat_unsqueeze(Handle, dim));

    public Tensor Squeeze() => From(TorchNative.fat_squeeze(Handle));

    public Tensor Squeeze(long dim) => From(TorchNative.fat_squeeze_dim(Handle, dim));

    public Tensor Flatten(long startDim = 0, long endDim = -1) => From(TorchNative.fat_flatten(Handle, startDim, endDim));

    /// <summary>Pieces of <paramref name="splitSize"/> along <paramref name="dim"/> (the last may be smaller).</summary>
    public Tensor[] Split(long splitSize, long dim = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(splitSize);
        var length = Size(checked((int)dim));
        var capacity = (int)Math.Max(1, (length + splitSize - 1) / splitSize);
        return Parts(capacity, (output, cap) => TorchNative.fat_split(Handle, splitSize, dim, output, cap));
    }

    /// <summary>At most <paramref name="chunks"/> pieces along <paramref name="dim"/>.</summary>
    public Tensor[] Chunk(long chunks, long dim = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(chunks);
        var capacity = (int)Math.Min(chunks, Math.Max(1, Size(checked((int)dim))));
        return Parts(capacity, (output, cap) => TorchNative.fat_chunk(Handle, chunks, dim, output, cap));
    }

    private delegate int PartsCall(IntPtr* output, int capacity);

    private static Tensor[] Parts(int capacity, PartsCall call)
    {
        var raw = new IntPtr[capacity];
        int count;
        fixed (IntPtr* p = raw)
        {
            count = call(p, capacity);
        }

        TorchNative.Check(count);
        var parts = new Tensor[count];
        for (var i = 0; i < count; i++)
        {
            parts[i] = From(raw[i]);
        }

        return parts;
    }
}
