namespace FastAV.Live.Models.Config;

/// <summary>
/// A SigLIP or CLIP vision tower's config (the file's top level, or its vision_config): a ViT over
/// image_size² pixels cut into patch_size² patches. Defaults are Hugging Face's per model type.
/// </summary>
public sealed record VisionConfig
{
    public required string ModelType { get; init; }

    public required int HiddenSize { get; init; }

    public required int IntermediateSize { get; init; }

    public required int NumHiddenLayers { get; init; }

    public required int NumAttentionHeads { get; init; }

    public required int NumChannels { get; init; }

    public required int ImageSize { get; init; }

    public required int PatchSize { get; init; }

    public required double LayerNormEps { get; init; }

    /// <summary>gelu_pytorch_tanh (SigLIP), quick_gelu (CLIP) or gelu.</summary>
    public required string HiddenAct { get; init; }

    public bool IsClip => ModelType.StartsWith("clip", StringComparison.Ordinal);

    public int PatchesPerSide => ImageSize / PatchSize;

    public int PatchCount => PatchesPerSide * PatchesPerSide;

    public static VisionConfig Load(string path) => ConfigJson.Load(Qwen2Config.Resolve(path), Read);

    public static VisionConfig Parse(string json, string source = "config.json") =>
        ConfigJson.Parse(System.Text.Encoding.UTF8.GetBytes(json), source, Read);

    private static VisionConfig Read(ConfigJson root)
    {
        var json = root.Object("vision_config") ?? root;
        var type = json.OptionalString("model_type") ?? root.String("model_type", "siglip_vision_model");
        var clip = type.StartsWith("clip", StringComparison.Ordinal);
        if (!clip && !type.StartsWith("siglip", StringComparison.Ordinal))
        {
            throw new NotSupportedException($"{json.Source}: model_type '{type}' is not a SigLIP or CLIP vision tower");
        }

        var hidden = json.PositiveInt("hidden_size", 768, max: 1 << 16);
        var heads = json.PositiveInt("num_attention_heads", 12, max: 1024);
        if (hidden % heads != 0)
        {
            throw json.Bad("hidden_size", $"must be a multiple of num_attention_heads ({heads})", hidden);
        }

        var image = json.PositiveInt("image_size", 224, max: 1 << 14);
        var patch = json.PositiveInt("patch_size", clip ? 32 : 16, max: 1 << 14);
        if (image < patch)
        {
            // A valid-padding patch convolution: floor(image / patch) patches per side (SigLIP 384/14 → 27).
            throw json.Bad("image_size", $"must be at least patch_size ({patch})", image);
        }

        var act = json.String("hidden_act", clip ? "quick_gelu" : "gelu_pytorch_tanh");
        if (act is not ("gelu_pytorch_tanh" or "quick_gelu" or "gelu"))
        {
            throw new NotSupportedException($"{json.Source}: hidden_act '{act}' is not supported (gelu_pytorch_tanh, quick_gelu, gelu)");
        }

        return new VisionConfig
        {
            ModelType = type,
            HiddenSize = hidden,
            IntermediateSize = json.PositiveInt("intermediate_size", 3072, max: 1 << 20),
            NumHiddenLayers = json.PositiveInt("num_hidden_layers", 12, max: 1000),
            NumAttentionHeads = heads,
            NumChannels = json.PositiveInt("num_channels", 3, max: 64),
            ImageSize = image,
            PatchSize = patch,
            LayerNormEps = json.PositiveDouble("layer_norm_eps", clip ? 1e-5 : 1e-6),
            HiddenAct = act,
        };
    }
}
