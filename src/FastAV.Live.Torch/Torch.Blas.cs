using System.Text;
using FastAV.Live.Torch.Native;

namespace FastAV.Live.Torch;

// The BLAS libtorch's CPU matrix products run on. Debian's libtorch calls sgemm_ & co through libblas.so.3, which
// the alternatives system points at the reference BLAS (~4 GFLOP/s for a 1024³ float32 matmul on 2 cores) or at
// OpenBLAS (~270); scripts/setup.sh installs and selects OpenBLAS. OpenBLAS keeps its own pthread pool beside
// libtorch's intra-op (OpenMP) pool: the two are sized separately (BlasThreadCount, ThreadCount).
public static partial class Torch
{
    /// <summary>The file defining the <c>sgemm_</c> libtorch calls, symlinks resolved; empty when libtorch carries its own GEMM.</summary>
    public static unsafe string BlasLibrary => ReadString(&TorchNative.fat_blas_library);

    /// <summary>OpenBLAS's build description (<c>openblas_get_config</c>); empty when the BLAS libtorch calls is not OpenBLAS.</summary>
    public static unsafe string BlasConfig => ReadString(&TorchNative.fat_blas_config);

    /// <summary>True when libtorch's matrix products run on OpenBLAS.</summary>
    public static bool IsOpenBlas => BlasConfig.StartsWith("OpenBLAS", StringComparison.Ordinal);

    /// <summary>
    /// OpenBLAS's own worker threads (process-wide; <c>openblas_get/set_num_threads</c> reached through the shim).
    /// Throws <see cref="TorchException"/> when the BLAS is not OpenBLAS.
    /// </summary>
    public static int BlasThreadCount
    {
        get => (int)TorchNative.Check((long)TorchNative.fat_get_blas_threads());
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            TorchNative.Check(TorchNative.fat_set_blas_threads(value));
        }
    }

    private static unsafe string ReadString(delegate*<byte*, int, int> read)
    {
        var capacity = 512;
        while (true)
        {
            var buffer = new byte[capacity];
            int length;
            fixed (byte* p = buffer)
            {
                length = read(p, capacity);
            }

            TorchNative.Check(length);
            if (length < capacity)
            {
                return Encoding.UTF8.GetString(buffer, 0, length);
            }

            capacity = length + 1;
        }
    }
}
