namespace FastAV.Live.Media;

/// <summary>The vision encoder's input geometry and normalisation (defaults: CLIP/SigLIP-style 224², CLIP mean/std).</summary>
public sealed record ImagePreprocessorOptions
{
    public int Height { get; init; } = 224;

    public int Width { get; init; } = 224;

    public ResizeMode Mode { get; init; } = ResizeMode.CenterCrop;

    /// <summary>Per-channel RGB mean of pixels scaled to [0, 1].</summary>
    public IReadOnlyList<float> Mean { get; init; } = [0.48145466f, 0.4578275f, 0.40821073f];

    /// <summary>Per-channel RGB standard deviation of pixels scaled to [0, 1].</summary>
    public IReadOnlyList<float> Std { get; init; } = [0.26862954f, 0.26130258f, 0.27577711f];

    public void Validate()
    {
        if (Height is < 1 or > 4096 || Width is < 1 or > 4096)
        {
            throw new ArgumentOutOfRangeException(nameof(Height), $"{Width}x{Height} must be within 1..4096");
        }

        if (Mean.Count != 3 || Std.Count != 3 || Std.Any(s => !(s > 0)) || Mean.Any(m => !float.IsFinite(m)))
        {
            throw new ArgumentException("Mean and Std need 3 finite values each, Std > 0", nameof(Std));
        }
    }
}
