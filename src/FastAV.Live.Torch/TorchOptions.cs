namespace FastAV.Live.Torch;

/// <summary>Tensor-runtime knobs (bound from configuration section "Torch").</summary>
public sealed class TorchOptions
{
    /// <summary>Intra-op threads for CPU kernels; default: one per core the process may use.</summary>
    public int IntraOpThreadCount { get; set; } = Environment.ProcessorCount;

    /// <summary>Seed for the global generator; null leaves libtorch's default.</summary>
    public ulong? Seed { get; set; }

    public void Validate()
    {
        if (IntraOpThreadCount < 1 || IntraOpThreadCount > 4096)
        {
            throw new ArgumentOutOfRangeException(nameof(IntraOpThreadCount), IntraOpThreadCount, "must be in [1, 4096]");
        }
    }
}
