using FastAV.Live.Torch.Native;

namespace FastAV.Live.Torch;

// Gather/scatter-style indexing (KV-cache compaction and token pruning run on these).
public sealed unsafe partial class Tensor
{
    public Tensor IndexSelect(long dim, Tensor index)
    {
        ArgumentNullException.ThrowIfNull(index);
        return From(TorchNative.fat_index_select(Handle, dim, index.Handle));
    }

    public Tensor Gather(long dim, Tensor index)
    {
        ArgumentNullException.ThrowIfNull(index);
        return From(TorchNative.fat_gather(Handle, dim, index.Handle));
    }

    /// <summary>Out-of-place scatter: a copy of this tensor with source values written at index along dim.</summary>
    public Tensor Scatter(long dim, Tensor index, Tensor source)
    {
        ArgumentNullException.ThrowIfNull(index);
        ArgumentNullException.ThrowIfNull(source);
        return From(TorchNative.fat_scatter(Handle, dim, index.Handle, source.Handle));
    }

    public Tensor MaskedSelect(Tensor mask)
    {
        ArgumentNullException.ThrowIfNull(mask);
        return From(TorchNative.fat_masked_select(Handle, mask.Handle));
    }

    public Tensor MaskedFill(Tensor mask, double value)
    {
        ArgumentNullException.ThrowIfNull(mask);
        return From(TorchNative.fat_masked_fill(Handle, mask.Handle, value));
    }

    /// <summary>
    /// Advanced indexing, <c>t[i0, i1, ...]</c>: one index tensor per leading dim, null meaning ':'.
    /// </summary>
    public Tensor Index(params Tensor?[] indices)
    {
        ArgumentNullException.ThrowIfNull(indices);
        using var lease = new HandleLease(indices);
        fixed (IntPtr* p = lease.Pointers)
        {
            return From(TorchNative.fat_index(Handle, p, indices.Length));
        }
    }

    /// <summary><c>t[i0, i1, ...] = values</c> in place (or += with <paramref name="accumulate"/>).</summary>
    public Tensor IndexPut_(Tensor?[] indices, Tensor values, bool accumulate = false)
    {
        ArgumentNullException.ThrowIfNull(indices);
        ArgumentNullException.ThrowIfNull(values);
        using var lease = new HandleLease(indices);
        fixed (IntPtr* p = lease.Pointers)
        {
            TorchNative.Check(TorchNative.fat_index_put_(Handle, p, indices.Length, values.Handle, accumulate ? 1 : 0));
        }

        return this;
    }
}
