using System.Text;
using FastAV.Live.Torch.Native;

namespace FastAV.Live.Torch;

/// <summary>CUDA queries (PyTorch's <c>torch.cuda</c>). On a CPU-only libtorch: unavailable, zero devices.</summary>
public static unsafe class Cuda
{
    public static bool IsAvailable => TorchNative.fat_cuda_is_available() == 1;

    public static int DeviceCount => TorchNative.fat_cuda_device_count();

    public static string DeviceName(int index = 0)
    {
        var buffer = stackalloc byte[256];
        TorchNative.Check(TorchNative.fat_cuda_device_name(index, buffer, 256));
        var name = new ReadOnlySpan<byte>(buffer, 256);
        var end = name.IndexOf((byte)0);
        return Encoding.UTF8.GetString(end < 0 ? name : name[..end]);
    }

    public static void Synchronize(int index = 0) => TorchNative.Check(TorchNative.fat_cuda_synchronize(index));

    /// <summary>Bytes held by tensors on the device (caching allocator).</summary>
    public static long MemoryAllocated(int index = 0) => TorchNative.Check(TorchNative.fat_cuda_memory(index, 0));

    /// <summary>Bytes reserved by the caching allocator.</summary>
    public static long MemoryReserved(int index = 0) => TorchNative.Check(TorchNative.fat_cuda_memory(index, 1));

    public static long MaxMemoryAllocated(int index = 0) => TorchNative.Check(TorchNative.fat_cuda_memory(index, 2));

    public static long MaxMemoryReserved(int index = 0) => TorchNative.Check(TorchNative.fat_cuda_memory(index, 3));

    public static void ResetPeakMemoryStats(int index = 0) => TorchNative.Check(TorchNative.fat_cuda_reset_peak(index));
}
