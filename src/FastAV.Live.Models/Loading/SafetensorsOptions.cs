using FastAV.Live.Torch;

namespace FastAV.Live.Models.Loading;

/// <summary>How safetensors files are opened and their tensors handed out.</summary>
public sealed record SafetensorsOptions
{
    /// <summary>A header larger than this is refused before it is read (the reference implementation's limit).</summary>
    public long MaxHeaderBytes { get; init; } = 100_000_000;

    /// <summary>Tensors are converted to this type when loaded; null keeps the stored type.</summary>
    public DType? DType { get; init; }

    /// <summary>Where loaded tensors go; null = CPU.</summary>
    public Device? Device { get; init; }

    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxHeaderBytes, 2, nameof(MaxHeaderBytes));
    }
}
