using FastAV.Live.Torch;

namespace FastAV.Live.Models.Composition;

/// <summary>Where an <see cref="AvModel"/> is loaded.</summary>
public sealed record AvModelOptions
{
    /// <summary>Device of every weight (and of every tensor the model returns).</summary>
    public Device Device { get; init; } = Device.Cpu;

    /// <summary>Weights are converted to this type when loaded; null keeps the stored type.</summary>
    public DType? DType { get; init; }

    /// <summary>A config or tokenizer file larger than this is refused before it is parsed.</summary>
    public long MaxConfigBytes { get; init; } = 64L * 1024 * 1024;
}
