using System.Runtime.InteropServices;
using FastAV.Live.Torch.Native;

namespace FastAV.Live.Torch;

// Process-wide runtime state: versions, feature flags, threads and the tensor counters for metrics.
public static partial class Torch
{
    /// <summary>The libtorch version the shim was compiled against, e.g. "1.13.0".</summary>
    public static string Version => Marshal.PtrToStringUTF8(TorchNative.fat_torch_version()) ?? "unknown";

    /// <summary>True when libtorch has scaled_dot_product_attention (2.0+); otherwise the shim composes it.</summary>
    public static bool HasNativeScaledDotProductAttention => TorchNative.fat_has_native_sdpa() == 1;

    /// <summary>True when libtorch has rms_norm (2.4+); otherwise the shim composes it.</summary>
    public static bool HasNativeRmsNorm => TorchNative.fat_has_native_rms_norm() == 1;

    /// <summary>Native tensor handles alive now (every Tensor not yet disposed).</summary>
    public static long LiveTensorCount => TorchNative.fat_live_count();

    /// <summary>Most handles alive at once since start or <see cref="ResetPeaks"/>.</summary>
    public static long PeakTensorCount => TorchNative.fat_peak_count();

    /// <summary>Logical bytes of live tensors (numel x element size; views count at their own size).</summary>
    public static long LiveTensorBytes => TorchNative.fat_live_bytes();

    public static long PeakTensorBytes => TorchNative.fat_peak_bytes();

    public static void ResetPeaks() => TorchNative.fat_reset_peaks();

    /// <summary>Intra-op thread count (PyTorch's get/set_num_threads).</summary>
    public static int ThreadCount
    {
        get => (int)TorchNative.Check((long)TorchNative.fat_get_num_threads());
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            TorchNative.Check(TorchNative.fat_set_num_threads(value));
        }
    }

    /// <summary>Applies validated options (call once at start-up).</summary>
    public static void Configure(TorchOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        ThreadCount = options.IntraOpThreadCount;
        if (options.Seed is { } seed)
        {
            ManualSeed(seed);
        }
    }
}
