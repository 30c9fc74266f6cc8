namespace FastAV.Live.Models.Decoder;

/// <summary>
/// Geometry of a Qwen2/LLaMA decoder (the fields of Hugging Face's config.json that the math needs).
/// <see cref="HeadDim"/> 0 means HiddenSize / AttentionHeadCount; Qwen2 has q/k/v bias, LLaMA not.
/// </summary>
public sealed record DecoderConfig
{
    public required int HiddenSize { get; init; }

    public required int IntermediateSize { get; init; }

    public required int LayerCount { get; init; }

    public required int AttentionHeadCount { get; init; }

    public required int KeyValueHeadCount { get; init; }

    public int HeadDim { get; init; }

    public required int VocabSize { get; init; }

    public double RmsNormEps { get; init; } = 1e-6;

    public double RopeTheta { get; init; } = 10000.0;

    public RopeScaling RopeScaling { get; init; } = RopeScaling.None;

    /// <summary>Context the model was trained for; dynamic RoPE scaling starts beyond it.</summary>
    public long MaxPositionEmbeddings { get; init; } = 32768;

    public bool TieWordEmbeddings { get; init; }

    public bool AttentionBias { get; init; }

    /// <summary><see cref="HeadDim"/> or, when 0, HiddenSize / AttentionHeadCount.</summary>
    public int ResolvedHeadDim => HeadDim > 0 ? HeadDim : AttentionHeadCount > 0 ? HiddenSize / AttentionHeadCount : 0;

    /// <summary>Query heads per key/value head (1 = multi-head, more = grouped-query attention).</summary>
    public int QueriesPerKeyValue => AttentionHeadCount / KeyValueHeadCount;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first impossible value.</summary>
    /// <summary>
    /// The decoder configuration of a Hugging Face Qwen2/LLaMA config.json. Features the decoder does
    /// not implement (o_proj or MLP biases, YaRN, activations other than SiLU) are refused by name.
    /// </summary>
    public static DecoderConfig FromHuggingFace(Config.Qwen2Config hf)
    {
        ArgumentNullException.ThrowIfNull(hf);
        if (hf.OutputBias || hf.MlpBias)
        {
            throw new NotSupportedException($"{hf.ModelType}: attention output or MLP biases (attention_bias / mlp_bias) are not supported by this decoder.");
        }

        if (hf.HiddenAct is not ("silu" or "swish"))
        {
            throw new NotSupportedException($"{hf.ModelType}: hidden_act '{hf.HiddenAct}' is not supported (SiLU only).");
        }

        var scaling = hf.RopeScaling switch
        {
            null => RopeScaling.None,
            { Type: Config.RopeScalingType.Linear } r => new RopeScaling(RopeScalingKind.Linear, r.Factor),
            { Type: Config.RopeScalingType.Dynamic } r => new RopeScaling(RopeScalingKind.Dynamic, r.Factor),
            { Type: Config.RopeScalingType.Llama3 } r => new RopeScaling(
                RopeScalingKind.Llama3, r.Factor, r.LowFreqFactor ?? 1.0, r.HighFreqFactor ?? 4.0, r.OriginalMaxPositionEmbeddings ?? 8192),
            { Type: var other } => throw new NotSupportedException($"{hf.ModelType}: rope_scaling type '{other}' is not supported."),
        };
        var config = new DecoderConfig
        {
            HiddenSize = hf.HiddenSize,
            IntermediateSize = hf.IntermediateSize,
            LayerCount = hf.NumHiddenLayers,
            AttentionHeadCount = hf.NumAttentionHeads,
            KeyValueHeadCount = hf.NumKeyValueHeads,
            HeadDim = hf.HeadDim,
            VocabSize = hf.VocabSize,
            RmsNormEps = hf.RmsNormEps,
            RopeTheta = hf.RopeTheta,
            RopeScaling = scaling,
            MaxPositionEmbeddings = hf.MaxPositionEmbeddings,
            TieWordEmbeddings = hf.TieWordEmbeddings,
            AttentionBias = hf.QkvBias,
        };
        config.Validate();
        return config;
    }

    public void Validate()
    {
        Positive(HiddenSize, "hidden_size");
        Positive(IntermediateSize, "intermediate_size");
        Positive(LayerCount, "num_hidden_layers");
        Positive(AttentionHeadCount, "num_attention_heads");
        Positive(KeyValueHeadCount, "num_key_value_heads");
        Positive(VocabSize, "vocab_size");
        if (HeadDim < 0)
        {
            throw new ArgumentException($"head_dim must be >= 0 (0 = hidden_size / num_attention_heads), got {HeadDim}");
        }

        if (HeadDim == 0 && HiddenSize % AttentionHeadCount != 0)
        {
            throw new ArgumentException($"hidden_size {HiddenSize} is not divisible by num_attention_heads {AttentionHeadCount}");
        }

        if (ResolvedHeadDim % 2 != 0)
        {
            throw new ArgumentException($"head_dim must be even for RoPE, got {ResolvedHeadDim}");
        }

        if (AttentionHeadCount % KeyValueHeadCount != 0)
        {
            throw new ArgumentException($"num_attention_heads {AttentionHeadCount} is not a multiple of num_key_value_heads {KeyValueHeadCount}");
        }

        if (!double.IsFinite(RmsNormEps) || RmsNormEps <= 0)
        {
            throw new ArgumentException($"rms_norm_eps must be a finite number > 0, got {RmsNormEps}");
        }

        if (!double.IsFinite(RopeTheta) || RopeTheta <= 1)
        {
            throw new ArgumentException($"rope_theta must be a finite number > 1, got {RopeTheta}");
        }

        if (MaxPositionEmbeddings <= 0)
        {
            throw new ArgumentException($"max_position_embeddings must be > 0, got {MaxPositionEmbeddings}");
        }

        ArgumentNullException.ThrowIfNull(RopeScaling);
        RopeScaling.Validate();
    }

    private static void Positive(int value, string name)
    {
        if (value <= 0)
        {
            throw new ArgumentException($"{name} must be > 0, got {value}");
        }
    }
}
