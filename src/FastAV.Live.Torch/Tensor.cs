using System.Globalization;
using FastAV.Live.Torch.Native;

namespace FastAV.Live.Torch;

/// <summary>
/// A libtorch tensor. Owned by a SafeHandle: dispose it (or let the enclosing
/// <see cref="TensorScope"/> do it); any use after that throws <see cref="ObjectDisposedException"/>.
/// Methods follow PyTorch names and semantics; ops return new tensors unless the name ends in '_'.
/// </summary>
public sealed unsafe partial class Tensor : IDisposable
{
    private readonly TensorHandle _handle;
    private long[]? _shape;

    internal Tensor(TensorHandle handle)
    {
        _handle = handle;
        TensorScope.Current?.Add(this);
    }

    internal TensorScope? Scope { get; set; }

    internal TensorHandle Handle
    {
        get
        {
            ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
            return _handle;
        }
    }

    public bool IsDisposed => _handle.IsClosed;

    /// <summary>Sizes of each dimension (a copy).</summary>
    public long[] Shape => (long[])ShapeCached.Clone();

    public int Dim => ShapeCached.Length;

    public long NumEl => TorchNative.Check(TorchNative.fat_numel(Handle));

    public DType DType => (DType)TorchNative.Check((long)TorchNative.fat_dtype(Handle));

    public Device Device
    {
        get
        {
            int type, index;
            TorchNative.Check(TorchNative.fat_device(Handle, &type, &index));
            return new Device((DeviceType)type, Math.Max(index, 0));
        }
    }

    public bool IsContiguous => TorchNative.Check((long)TorchNative.fat_is_contiguous(Handle)) == 1;

    public long[] Strides
    {
        get
        {
            var strides = new long[Dim];
            fixed (long* p = strides)
            {
                TorchNative.Check(TorchNative.fat_strides(Handle, p, strides.Length));
            }

            return strides;
        }
    }

    /// <summary>Size of one dimension; negative dims count from the end.</summary>
    public long Size(int dim)
    {
        var shape = ShapeCached;
        var d = dim < 0 ? dim + shape.Length : dim;
        if (d < 0 || d >= shape.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(dim), dim, $"tensor has {shape.Length} dimensions");
        }

        return shape[d];
    }

    private long[] ShapeCached
    {
        get
        {
            if (_shape is { } cached)
            {
                ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
                return cached;
            }

            var h = Handle;
            var ndim = TorchNative.fat_dim(h);
            TorchNative.Check(ndim);
            var shape = new long[ndim];
            fixed (long* p = shape)
            {
                TorchNative.Check(TorchNative.fat_shape(h, p, ndim));
            }

            _shape = shape;
            return shape;
        }
    }

    /// <summary>Copies the elements (row-major, any device) into a new array; T must match <see cref="DType"/>.</summary>
    public T[] ToArray<T>()
        where T : unmanaged
    {
        var result = new T[checked((int)NumEl)];
        CopyTo<T>(result);
        return result;
    }

    /// <summary>Copies all elements into <paramref name="destination"/>, whose length must equal <see cref="NumEl"/>.</summary>
    public void CopyTo<T>(Span<T> destination)
        where T : unmanaged
    {
        var expected = ElementType.Of<T>();
        var actual = DType;
        if (expected != actual)
        {
            throw new InvalidCastException($"tensor is {actual}, not {expected} ({typeof(T).Name})");
        }

        fixed (T* p = destination)
        {
            TorchNative.Check(TorchNative.fat_copy_to_host(Handle, p, (long)destination.Length * sizeof(T)));
        }
    }

    /// <summary>The value of a one-element tensor, converted to T (PyTorch's item()).</summary>
    public T Item<T>()
        where T : unmanaged, System.Numerics.INumberBase<T>
    {
        if (typeof(T) == typeof(long) || typeof(T) == typeof(int) || typeof(T) == typeof(byte))
        {
            long l;
            TorchNative.Check(TorchNative.fat_item_i64(Handle, &l));
            return T.CreateChecked(l);
        }

        double d;
        TorchNative.Check(TorchNative.fat_item_f64(Handle, &d));
        return T.CreateChecked(d);
    }

    public Tensor To(DType dtype) => To(Device, dtype);

    public Tensor To(Device device) => To(device, DType);

    public Tensor To(Device device, DType dtype) =>
        From(TorchNative.fat_to(Handle, (int)dtype, (int)device.Type, device.Index));

    public Tensor Clone() => From(TorchNative.fat_clone(Handle));

    /// <summary>A second handle to the same tensor (shares storage), owned separately.</summary>
    public Tensor Alias() => From(TorchNative.fat_alias(Handle));

    public Tensor Contiguous() => From(TorchNative.fat_contiguous(Handle));

    /// <summary>Copies <paramref name="source"/> (broadcast, converted) into this tensor in place.</summary>
    public Tensor Copy_(Tensor source)
    {
        ArgumentNullException.ThrowIfNull(source);
        TorchNative.Check(TorchNative.fat_copy_(Handle, source.Handle));
        return this;
    }

    public Tensor Fill_(double value)
    {
        TorchNative.Check(TorchNative.fat_fill_(Handle, value));
        return this;
    }

    /// <summary>Moves this tensor from its scope to the enclosing one (or out of all scopes).</summary>
    public Tensor MoveToOuterScope()
    {
        ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
        Scope?.MoveToOuter(this);
        return this;
    }

    /// <summary>
    /// Takes this tensor out of every scope: the caller owns it and disposes it. For long-lived state
    /// created inside a caller's scope (weights, KV caches), which must outlive that scope.
    /// </summary>
    public Tensor DetachFromScopes()
    {
        ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
        while (Scope is { } scope)
        {
            scope.MoveToOuter(this);
        }

        return this;
    }

    public void Dispose()
    {
        _handle.Dispose();
        Scope?.Forget(this);
    }

    public override string ToString() =>
        IsDisposed
            ? "Tensor(disposed)"
            : string.Create(CultureInfo.InvariantCulture, $"Tensor[{string.Join(", ", ShapeCached)}] {DType} {Device}");

    internal static Tensor From(IntPtr handle) => new(TorchNative.Check(handle));
}
