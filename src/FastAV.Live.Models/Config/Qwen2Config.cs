namespace FastAV.Live.Models.Config;

/// <summary>
/// The decoder's config.json (Qwen2 and LLaMA families): sizes, normalization, RoPE, vocabulary and special ids.
/// Qwen2 always has q/k/v biases; LLaMA has them when attention_bias is true.
/// </summary>
public sealed record Qwen2Config
{
    public string ModelType { get; init; } = "qwen2";

    public required int HiddenSize { get; init; }

    public required int IntermediateSize { get; init; }

    public required int NumHiddenLayers { get; init; }

    public required int NumAttentionHeads { get; init; }

    public required int NumKeyValueHeads { get; init; }

    /// <summary>head_dim when given, else hidden_size / num_attention_heads.</summary>
    public required int HeadDim { get; init; }

    public double RmsNormEps { get; init; } = 1e-6;

    public double RopeTheta { get; init; } = 10000;

    public RopeScalingConfig? RopeScaling { get; init; }

    public required int VocabSize { get; init; }

    public bool TieWordEmbeddings { get; init; }

    /// <summary>q_proj/k_proj/v_proj carry biases (always for Qwen2; attention_bias for LLaMA).</summary>
    public bool QkvBias { get; init; }

    /// <summary>o_proj carries a bias (LLaMA attention_bias; never for Qwen2).</summary>
    public bool OutputBias { get; init; }

    public bool MlpBias { get; init; }

    public string HiddenAct { get; init; } = "silu";

    public int MaxPositionEmbeddings { get; init; } = 32768;

    public int? BosTokenId { get; init; }

    public int[] EosTokenIds { get; init; } = [];

    public static Qwen2Config Load(string path) => ConfigJson.Load(Resolve(path), Read);

    public static Qwen2Config Parse(string json, string source = "config.json") =>
        ConfigJson.Parse(System.Text.Encoding.UTF8.GetBytes(json), source, Read);

    internal static string Resolve(string path) => Directory.Exists(path) ? Path.Combine(path, "config.json") : path;

    private static Qwen2Config Read(ConfigJson json)
    {
        var modelType = json.String("model_type", "qwen2");
        if (modelType is not ("qwen2" or "llama" or "mistral" or "qwen3"))
        {
            throw new NotSupportedException($"{json.Source}: model_type '{modelType}' is not a Qwen2/LLaMA decoder");
        }

        const int MaxSize = 1 << 20;
        var hidden = json.PositiveInt("hidden_size", max: MaxSize);
        var heads = json.PositiveInt("num_attention_heads", max: 4096);
        var kvHeads = json.PositiveInt("num_key_value_heads", heads, max: 4096);
        if (heads % kvHeads != 0)
        {
            throw json.Bad("num_key_value_heads", $"must divide num_attention_heads ({heads})", kvHeads);
        }

        if (!json.Has("head_dim") && hidden % heads != 0)
        {
            throw json.Bad("hidden_size", $"must be a multiple of num_attention_heads ({heads}) when head_dim is absent", hidden);
        }

        var headDim = json.PositiveInt("head_dim", hidden / heads, max: 65536);
        if (headDim % 2 != 0)
        {
            throw json.Bad("head_dim", "must be even (RoPE rotates pairs)", headDim);
        }

        var vocab = json.PositiveInt("vocab_size", max: 16_000_000);
        var bos = json.OptionalInt("bos_token_id");
        var eos = json.IntOrList("eos_token_id");
        foreach (var id in eos.Concat(bos is { } b ? [b] : []))
        {
            if (id < 0 || id >= vocab)
            {
                throw json.Bad("bos_token_id/eos_token_id", $"must be a token id below vocab_size ({vocab})", id);
            }
        }

        var act = json.String("hidden_act", "silu");
        if (act is not ("silu" or "swish"))
        {
            throw new NotSupportedException($"{json.Source}: hidden_act '{act}' is not supported (silu)");
        }

        var isQwen2 = modelType is "qwen2";
        var attentionBias = json.Bool("attention_bias", false);
        return new Qwen2Config
        {
            ModelType = modelType,
            HiddenSize = hidden,
            IntermediateSize = json.PositiveInt("intermediate_size", max: 16 * MaxSize),
            NumHiddenLayers = json.PositiveInt("num_hidden_layers", max: 10_000),
            NumAttentionHeads = heads,
            NumKeyValueHeads = kvHeads,
            HeadDim = headDim,
            RmsNormEps = json.PositiveDouble("rms_norm_eps", 1e-6),
            RopeTheta = json.PositiveDouble("rope_theta", 10000),
            RopeScaling = json.Object("rope_scaling") is { } scaling ? RopeScalingConfig.Read(scaling) : null,
            VocabSize = vocab,
            TieWordEmbeddings = json.Bool("tie_word_embeddings", false),
            QkvBias = isQwen2 || attentionBias,
            OutputBias = !isQwen2 && attentionBias,
            MlpBias = json.Bool("mlp_bias", false),
            HiddenAct = act,
            MaxPositionEmbeddings = json.PositiveInt("max_position_embeddings", 32768),
            BosTokenId = bos,
            EosTokenIds = eos,
        };
    }
}
