using System.Runtime.InteropServices;

namespace FastAV.Live.Torch.Native;

/// <summary>Owns one fat_tensor*; releasing it frees the native handle exactly once.</summary>
internal sealed class TensorHandle : SafeHandle
{
    public TensorHandle()
        : base(IntPtr.Zero, ownsHandle: true)
    {
    }

    internal TensorHandle(IntPtr handle)
        : base(IntPtr.Zero, ownsHandle: true) => SetHandle(handle);

    public override bool IsInvalid => handle == IntPtr.Zero;

    protected override bool ReleaseHandle()
    {
        TorchNative.fat_free(handle);
        return true;
    }
}
