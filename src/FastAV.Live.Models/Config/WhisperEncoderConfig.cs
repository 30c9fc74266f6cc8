namespace FastAV.Live.Models.Config;

/// <summary>
/// The encoder half of a Whisper config.json: num_mel_bins log-mel channels in, two convolutions (the second with
/// stride 2), max_source_positions positions (1500 = 30 s), d_model wide. Defaults are Hugging Face's.
/// </summary>
public sealed record WhisperEncoderConfig
{
    public required int DModel { get; init; }

    public required int EncoderLayers { get; init; }

    public required int EncoderAttentionHeads { get; init; }

    public required int EncoderFfnDim { get; init; }

    public required int NumMelBins { get; init; }

    public required int MaxSourcePositions { get; init; }

    public required string ActivationFunction { get; init; }

    /// <summary>Whisper's layer norms use PyTorch's default epsilon unless layer_norm_eps says otherwise.</summary>
    public double LayerNormEps { get; init; } = 1e-5;

    public int HeadDim => DModel / EncoderAttentionHeads;

    public static WhisperEncoderConfig Load(string path) => ConfigJson.Load(Qwen2Config.Resolve(path), Read);

    public static WhisperEncoderConfig Parse(string json, string source = "config.json") =>
        ConfigJson.Parse(System.Text.Encoding.UTF8.GetBytes(json), source, Read);

    private static WhisperEncoderConfig Read(ConfigJson root)
    {
        // An audio-visual model's config.json nests the encoder under audio_config (model_type whisper_encoder).
        var json = root.Object("audio_config") ?? root;
        var type = json.String("model_type", "whisper");
        if (type is not ("whisper" or "whisper_encoder"))
        {
            throw new NotSupportedException($"{json.Source}: model_type '{type}' is not whisper");
        }

        var d = json.PositiveInt("d_model", 256, max: 1 << 16);
        var heads = json.PositiveInt("encoder_attention_heads", 4, max: 1024);
        if (d % heads != 0)
        {
            throw json.Bad("d_model", $"must be a multiple of encoder_attention_heads ({heads})", d);
        }

        var act = json.String("activation_function", "gelu");
        if (act is not ("gelu" or "gelu_new" or "gelu_pytorch_tanh"))
        {
            throw new NotSupportedException($"{json.Source}: activation_function '{act}' is not supported (gelu, gelu_new, gelu_pytorch_tanh)");
        }

        return new WhisperEncoderConfig
        {
            DModel = d,
            EncoderLayers = json.PositiveInt("encoder_layers", 4, max: 1000),
            EncoderAttentionHeads = heads,
            EncoderFfnDim = json.PositiveInt("encoder_ffn_dim", 1536, max: 1 << 20),
            NumMelBins = json.PositiveInt("num_mel_bins", 80, max: 1024),
            MaxSourcePositions = json.PositiveInt("max_source_positions", 1500, max: 1 << 20),
            ActivationFunction = act,
            LayerNormEps = json.PositiveDouble("layer_norm_eps", 1e-5),
        };
    }
}
