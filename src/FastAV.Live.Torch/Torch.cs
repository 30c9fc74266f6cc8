using FastAV.Live.Torch.Native;

namespace FastAV.Live.Torch;

/// <summary>Tensor creation and multi-tensor ops (PyTorch's <c>torch.*</c> namespace functions).</summary>
public static unsafe partial class Torch
{
    /// <summary>A new tensor holding a copy of <paramref name="data"/> with the given shape (on the CPU).</summary>
    public static Tensor FromSpan<T>(ReadOnlySpan<T> data, params ReadOnlySpan<long> shape)
        where T : unmanaged
    {
        var dtype = ElementType.Of<T>();
        fixed (T* d = data)
        fixed (long* s = shape)
        {
            return Tensor.From(TorchNative.fat_from_data(d, (long)data.Length * sizeof(T), s, shape.Length, (int)dtype));
        }
    }

    /// <summary>A 1-D tensor holding a copy of <paramref name="data"/>.</summary>
    public static Tensor FromArray<T>(T[] data)
        where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(data);
        return FromSpan<T>(data, data.Length);
    }

    public static Tensor FromArray<T>(T[] data, params ReadOnlySpan<long> shape)
        where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(data);
        return FromSpan<T>(data, shape);
    }

    public static Tensor Empty(ReadOnlySpan<long> shape, DType dtype = DType.Float32, Device? device = null)
    {
        var dev = device ?? Device.Cpu;
        fixed (long* s = shape)
        {
            return Tensor.From(TorchNative.fat_empty(s, shape.Length, (int)dtype, (int)dev.Type, dev.Index));
        }
    }

    public static Tensor Zeros(ReadOnlySpan<long> shape, DType dtype = DType.Float32, Device? device = null)
    {
        var dev = device ?? Device.Cpu;
        fixed (long* s = shape)
        {
            return Tensor.From(TorchNative.fat_zeros(s, shape.Length, (int)dtype, (int)dev.Type, dev.Index));
        }
    }

    public static Tensor Ones(ReadOnlySpan<long> shape, DType dtype = DType.Float32, Device? device = null)
    {
        var dev = device ?? Device.Cpu;
        fixed (long* s = shape)
        {
            return Tensor.From(TorchNative.fat_ones(s, shape.Length, (int)dtype, (int)dev.Type, dev.Index));
        }
    }

    public static Tensor Full(ReadOnlySpan<long> shape, double value, DType dtype = DType.Float32, Device? device = null)
    {
        var dev = device ?? Device.Cpu;
        fixed (long* s = shape)
        {
            return Tensor.From(TorchNative.fat_full(s, shape.Length, value, (int)dtype, (int)dev.Type, dev.Index));
        }
    }

    /// <summary>[start, end) in steps of <paramref name="step"/> (PyTorch's arange; default dtype int64).</summary>
    public static Tensor Arange(double start, double end, double step = 1, DType dtype = DType.Int64, Device? device = null)
    {
        var dev = device ?? Device.Cpu;
        return Tensor.From(TorchNative.fat_arange(start, end, step, (int)dtype, (int)dev.Type, dev.Index));
    }

    public static Tensor Arange(long end, DType dtype = DType.Int64, Device? device = null) => Arange(0, end, 1, dtype, device);

    /// <summary>Standard normal samples from the global generator (same stream as PyTorch for the same seed).</summary>
    public static Tensor Randn(ReadOnlySpan<long> shape, DType dtype = DType.Float32, Device? device = null)
    {
        var dev = device ?? Device.Cpu;
        fixed (long* s = shape)
        {
            return Tensor.From(TorchNative.fat_randn(s, shape.Length, (int)dtype, (int)dev.Type, dev.Index));
        }
    }

    /// <summary>Uniform samples in [0, 1).</summary>
    public static Tensor Rand(ReadOnlySpan<long> shape, DType dtype = DType.Float32, Device? device = null)
    {
        var dev = device ?? Device.Cpu;
        fixed (long* s = shape)
        {
            return Tensor.From(TorchNative.fat_rand(s, shape.Length, (int)dtype, (int)dev.Type, dev.Index));
        }
    }

    /// <summary>Integers uniform in [low, high).</summary>
    public static Tensor Randint(long low, long high, ReadOnlySpan<long> shape, DType dtype = DType.Int64, Device? device = null)
    {
        var dev = device ?? Device.Cpu;
        fixed (long* s = shape)
        {
            return Tensor.From(TorchNative.fat_randint(low, high, s, shape.Length, (int)dtype, (int)dev.Type, dev.Index));
        }
    }

    public static Tensor Randperm(long n, DType dtype = DType.Int64, Device? device = null)
    {
        var dev = device ?? Device.Cpu;
        return Tensor.From(TorchNative.fat_randperm(n, (int)dtype, (int)dev.Type, dev.Index));
    }

    public static void ManualSeed(ulong seed) => TorchNative.Check(TorchNative.fat_manual_seed(seed));

    public static Tensor Cat(IReadOnlyList<Tensor> tensors, long dim = 0)
    {
        using var lease = Lease(tensors);
        fixed (IntPtr* p = lease.Pointers)
        {
            return Tensor.From(TorchNative.fat_cat(p, lease.Pointers.Length, dim));
        }
    }

    public static Tensor Stack(IReadOnlyList<Tensor> tensors, long dim = 0)
    {
        using var lease = Lease(tensors);
        fixed (IntPtr* p = lease.Pointers)
        {
            return Tensor.From(TorchNative.fat_stack(p, lease.Pointers.Length, dim));
        }
    }

    /// <summary>Element-wise <c>condition ? a : b</c> with broadcasting.</summary>
    public static Tensor Where(Tensor condition, Tensor a, Tensor b)
    {
        ArgumentNullException.ThrowIfNull(condition);
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        return Tensor.From(TorchNative.fat_where(condition.Handle, a.Handle, b.Handle));
    }

    private static HandleLease Lease(IReadOnlyList<Tensor> tensors)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        var array = new Tensor?[tensors.Count];
        for (var i = 0; i < array.Length; i++)
        {
            array[i] = tensors[i] ?? throw new ArgumentException($"tensor {i} is null", nameof(tensors));
        }

        return new HandleLease(array);
    }
}
