using FastAV.Live.Torch.Native;

namespace FastAV.Live.Torch;

// Reductions, cumulative sums and sorting. Empty dims means "over all elements".
public sealed unsafe partial class Tensor
{
    public Tensor Sum() => Sum([]);

    public Tensor Sum(ReadOnlySpan<long> dims, bool keepDim = false)
    {
        fixed (long* p = dims)
        {
            return From(TorchNative.fat_sum(Handle, p, dims.Length, keepDim ? 1 : 0));
        }
    }

    public Tensor Mean() => Mean([]);

    public Tensor Mean(ReadOnlySpan<long> dims, bool keepDim = false)
    {
        fixed (long* p = dims)
        {
            return From(TorchNative.fat_mean(Handle, p, dims.Length, keepDim ? 1 : 0));
        }
    }

    /// <summary>p-norm over <paramref name="dims"/> (all elements when empty).</summary>
    public Tensor Norm(double p = 2, ReadOnlySpan<long> dims = default, bool keepDim = false)
    {
        fixed (long* d = dims)
        {
            return From(TorchNative.fat_norm(Handle, p, d, dims.Length, keepDim ? 1 : 0));
        }
    }

    public Tensor Max() => From(TorchNative.fat_max_all(Handle));

    public Tensor Min() => From(TorchNative.fat_min_all(Handle));

    public (Tensor Values, Tensor Indices) Max(long dim, bool keepDim = false)
    {
        IntPtr values, indices;
        TorchNative.Check(TorchNative.fat_max_dim(Handle, dim, keepDim ? 1 : 0, &values, &indices));
        return (From(values), From(indices));
    }

    public (Tensor Values, Tensor Indices) Min(long dim, bool keepDim = false)
    {
        IntPtr values, indices;
        TorchNative.Check(TorchNative.fat_min_dim(Handle, dim, keepDim ? 1 : 0, &values, &indices));
        return (From(values), From(indices));
    }

    /// <summary>Index of the maximum over all elements (flattened).</summary>
    public Tensor ArgMax() => From(TorchNative.fat_argmax(Handle, 0, 0, 0));

    public Tensor ArgMax(long dim, bool keepDim = false) => From(TorchNative.fat_argmax(Handle, dim, 1, keepDim ? 1 : 0));

    public Tensor CumSum(long dim) => From(TorchNative.fat_cumsum(Handle, dim));

    public (Tensor Values, Tensor Indices) TopK(long k, long dim = -1, bool largest = true, bool sorted = true)
    {
        IntPtr values, indices;
        TorchNative.Check(TorchNative.fat_topk(Handle, k, dim, largest ? 1 : 0, sorted ? 1 : 0, &values, &indices));
        return (From(values), From(indices));
    }

    /// <summary>Stable sort (equal keys keep their order).</summary>
    public (Tensor Values, Tensor Indices) Sort(long dim = -1, bool descending = false)
    {
        IntPtr values, indices;
        TorchNative.Check(TorchNative.fat_sort(Handle, dim, descending ? 1 : 0, &values, &indices));
        return (From(values), From(indices));
    }

    public Tensor ArgSort(long dim = -1, bool descending = false) =>
        From(TorchNative.fat_argsort(Handle, dim, descending ? 1 : 0));
}
