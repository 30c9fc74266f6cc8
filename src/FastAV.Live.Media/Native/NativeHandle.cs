using System.Runtime.InteropServices;

namespace FastAV.Live.Media.Native;

/// <summary>Owns one native fastav_media object; the release function is the matching fam_*_close.</summary>
internal sealed class NativeHandle : SafeHandle
{
    private readonly Action<nint> _close;

    public NativeHandle(nint handle, Action<nint> close)
        : base(IntPtr.Zero, ownsHandle: true)
    {
        _close = close;
        SetHandle(handle);
    }

    public override bool IsInvalid => handle == IntPtr.Zero;

    /// <summary>The raw pointer; throws once disposed so no call reaches a freed object.</summary>
    public nint Pointer => IsClosed ? throw new ObjectDisposedException(nameof(NativeHandle)) : handle;

    protected override bool ReleaseHandle()
    {
        _close(handle);
        return true;
    }
}
