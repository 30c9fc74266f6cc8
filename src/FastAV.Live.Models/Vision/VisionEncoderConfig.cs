using FastAV.Live.Models.Projectors;

namespace FastAV.Live.Models.Vision;

/// <summary>
/// A SigLIP / CLIP vision transformer (Hugging Face <c>vision_config</c> fields), with tensor names
/// under <see cref="Prefix"/>: <c>embeddings.patch_embedding</c>, <c>embeddings.position_embedding</c>,
/// <c>embeddings.class_embedding</c> and <c>pre_layrnorm</c> (CLIP), <c>encoder.layers.N.*</c>,
/// <c>post_layernorm</c> (SigLIP).
/// </summary>
public sealed record VisionEncoderConfig
{
    /// <summary>Upper bound on every size, so a hostile config cannot ask for absurd allocations.</summary>
    public const int MaxSize = 1 << 16;

    public VisionEncoderKind Kind { get; init; } = VisionEncoderKind.Siglip;

    public required int HiddenSize { get; init; }

    public required int IntermediateSize { get; init; }

    public required int LayerCount { get; init; }

    public required int HeadCount { get; init; }

    /// <summary>The training image side; the position table holds (ImageSize / PatchSize)² patch positions.</summary>
    public required int ImageSize { get; init; }

    public required int PatchSize { get; init; }

    public int ChannelCount { get; init; } = 3;

    /// <summary>SigLIP uses 1e-6, CLIP 1e-5.</summary>
    public double LayerNormEps { get; init; } = 1e-6;

    /// <summary>Null = the family's own (SigLIP GELU-tanh, CLIP quick_gelu).</summary>
    public Activation? Activation { get; init; }

    /// <summary>Tensor-name prefix; "vision_model" in SiglipVisionModel / CLIPVisionModel checkpoints, e.g. "vision_tower.vision_model" in LLaVA-HF.</summary>
    public string Prefix { get; init; } = "vision_model";

    /// <summary>
    /// Which hidden state a VLM takes, as an index into Hugging Face's <c>hidden_states</c> (0 = the
    /// encoder input, i = after layer i, negative from the end: -2 is LLaVA's and VideoLLaMA2's
    /// choice); null = the model output (<c>last_hidden_state</c>). Layers after it are not run.
    /// </summary>
    public int? FeatureLayer { get; init; }

    /// <summary>CLIP only: keep the class token in the features (LLaVA's "patch" strategy drops it).</summary>
    public bool KeepClassToken { get; init; }

    public int HeadDim => HiddenSize / HeadCount;

    /// <summary>Side of the trained position grid.</summary>
    public int GridSize => ImageSize / PatchSize;

    public bool HasClassToken => Kind == VisionEncoderKind.Clip;

    /// <summary>Rows of <c>position_embedding.weight</c>.</summary>
    public int PositionCount => (GridSize * GridSize) + (HasClassToken ? 1 : 0);

    public Activation HiddenActivation => Activation ?? (Kind == VisionEncoderKind.Clip ? Projectors.Activation.QuickGelu : Projectors.Activation.GeluTanh);

    /// <summary>hidden_states index of the features (0..LayerCount), or null for the model output.</summary>
    public int? FeatureLayerIndex => FeatureLayer is { } k ? (k < 0 ? k + LayerCount + 1 : k) : null;

    public void Validate()
    {
        if (!Enum.IsDefined(Kind))
        {
            throw new ArgumentOutOfRangeException(nameof(Kind), Kind, "unknown vision encoder kind");
        }

        InRange(HiddenSize, 1, nameof(HiddenSize));
        InRange(IntermediateSize, 1, nameof(IntermediateSize));
        InRange(LayerCount, 0, nameof(LayerCount));
        InRange(HeadCount, 1, nameof(HeadCount));
        InRange(ImageSize, 1, nameof(ImageSize));
        InRange(PatchSize, 1, nameof(PatchSize));
        InRange(ChannelCount, 1, nameof(ChannelCount));
        if (HiddenSize % HeadCount != 0)
        {
            throw new ArgumentException($"HiddenSize {HiddenSize} is not a multiple of HeadCount {HeadCount}");
        }

        if (PatchSize > ImageSize)
        {
            throw new ArgumentException($"PatchSize {PatchSize} is larger than ImageSize {ImageSize}");
        }

        if ((long)GridSize * GridSize > MaxSize)
        {
            throw new ArgumentException($"{GridSize}x{GridSize} trained positions exceed {MaxSize}");
        }

        if (!(LayerNormEps > 0) || double.IsInfinity(LayerNormEps))
        {
            throw new ArgumentOutOfRangeException(nameof(LayerNormEps), LayerNormEps, "must be a positive number");
        }

        if (Activation is { } a && !Enum.IsDefined(a))
        {
            throw new ArgumentOutOfRangeException(nameof(Activation), a, "unknown activation");
        }

        if (FeatureLayerIndex is { } index && (index < 0 || index > LayerCount))
        {
            throw new ArgumentOutOfRangeException(nameof(FeatureLayer), FeatureLayer, $"must select one of the {LayerCount + 1} hidden states (-{LayerCount + 1}..{LayerCount})");
        }

        if (KeepClassToken && !HasClassToken)
        {
            throw new ArgumentException("KeepClassToken needs a class token (CLIP)");
        }

        ArgumentNullException.ThrowIfNull(Prefix);
    }

    private static void InRange(int value, int min, string name)
    {
        if (value < min || value > MaxSize)
        {
            throw new ArgumentOutOfRangeException(name, value, $"must be in [{min}, {MaxSize}]");
        }
    }
}
