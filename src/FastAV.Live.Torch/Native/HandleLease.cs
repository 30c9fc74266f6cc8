namespace FastAV.Live.Torch.Native;

/// <summary>
/// Keeps tensors' native handles alive while raw pointers to them are passed to native code (lists
/// of tensors and optional arguments, which the marshaller cannot express as SafeHandles).
/// A null entry stays <see cref="IntPtr.Zero"/> (the ABI's "absent").
/// </summary>
internal sealed class HandleLease : IDisposable
{
    private readonly TensorHandle?[] _handles;
    private readonly bool[] _added;

    public HandleLease(params Tensor?[] tensors)
    {
        _handles = new TensorHandle?[tensors.Length];
        _added = new bool[tensors.Length];
        Pointers = new IntPtr[tensors.Length];
        try
        {
            for (var i = 0; i < tensors.Length; i++)
            {
                if (tensors[i] is not { } t)
                {
                    continue;
                }

                var h = t.Handle;
                h.DangerousAddRef(ref _added[i]);
                _handles[i] = h;
                Pointers[i] = h.DangerousGetHandle();
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>The raw fat_tensor* values, in argument order.</summary>
    public IntPtr[] Pointers { get; }

    public IntPtr this[int index] => Pointers[index];

    public void Dispose()
    {
        for (var i = 0; i < _handles.Length; i++)
        {
            if (_added[i])
            {
                _handles[i]!.DangerousRelease();
                _added[i] = false;
            }
        }
    }
}
