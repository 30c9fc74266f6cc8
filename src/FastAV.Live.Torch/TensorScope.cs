namespace FastAV.Live.Torch;

/// <summary>
/// Owns every tensor created on this thread while it is the innermost open scope and disposes them
/// when it is disposed (TorchSharp's DisposeScope). Keep a result with <see cref="MoveToOuter"/>.
/// </summary>
/// <example><code>
/// using (var scope = new TensorScope())
/// {
///     var h = x.Matmul(w).Silu();          // temporaries: freed at the end of the block
///     result = scope.MoveToOuter(h.Sum()); // survives the block
/// }
/// </code></example>
public sealed class TensorScope : IDisposable
{
    [ThreadStatic]
    private static TensorScope? t_current;

    private readonly TensorScope? _outer;
    private readonly List<Tensor> _tensors = [];
    private bool _disposed;

    public TensorScope()
    {
        _outer = t_current;
        t_current = this;
    }

    /// <summary>The innermost open scope of the calling thread, if any.</summary>
    public static TensorScope? Current => t_current;

    /// <summary>How many tensors this scope will dispose.</summary>
    public int Count => _tensors.Count;

    /// <summary>Hands <paramref name="tensor"/> to the enclosing scope (or to no scope: the caller then owns it).</summary>
    public Tensor MoveToOuter(Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (tensor.Scope != this)
        {
            throw new InvalidOperationException("the tensor does not belong to this scope");
        }

        // Results are usually the most recently created tensors: search from the end.
        var at = _tensors.LastIndexOf(tensor);
        _tensors.RemoveAt(at);
        tensor.Scope = null;
        var outer = _outer;
        while (outer is { _disposed: true })
        {
            outer = outer._outer;
        }

        outer?.Add(tensor);
        return tensor;
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (t_current == this)
        {
            t_current = _outer;
        }

        foreach (var t in _tensors)
        {
            t.Scope = null;
            t.Dispose();
        }

        _tensors.Clear();
    }

    /// <summary>
    /// Drops a tensor disposed by hand if it is the newest one (create-use-dispose loops inside a
    /// long scope then keep the list short); others stay listed, disposing them again is a no-op.
    /// </summary>
    internal void Forget(Tensor tensor)
    {
        if (!_disposed && _tensors.Count > 0 && ReferenceEquals(_tensors[^1], tensor))
        {
            _tensors.RemoveAt(_tensors.Count - 1);
            tensor.Scope = null;
        }
    }

    internal void Add(Tensor tensor)
    {
        _tensors.Add(tensor);
        tensor.Scope = this;
    }
}
