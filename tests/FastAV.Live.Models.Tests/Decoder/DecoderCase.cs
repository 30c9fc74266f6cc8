using System.Text.Json.Nodes;
using FastAV.Live.Models.Decoder;

namespace FastAV.Live.Models.Tests.Decoder;

/// <summary>One tiny random decoder for the parity tests; the reference script gets it as JSON.</summary>
internal sealed record DecoderCase(
    string Name,
    DecoderConfig Config,
    int Seed,
    int PromptLength,
    int BlockLength,
    int DropLayer,
    int GreedySteps = 32)
{
    /// <summary>GQA ratios 1, 2, 4; head dims 6, 10, 14, 8; with and without q/k/v bias; tied and untied; every RoPE scaling.</summary>
    public static IReadOnlyList<DecoderCase> All { get; } =
    [
        new("mha_bias_tied", new DecoderConfig
        {
            HiddenSize = 24, IntermediateSize = 40, LayerCount = 2, AttentionHeadCount = 4, KeyValueHeadCount = 4,
            VocabSize = 61, AttentionBias = true, TieWordEmbeddings = true, RmsNormEps = 1e-6, RopeTheta = 10000,
        }, Seed: 11, PromptLength: 9, BlockLength: 5, DropLayer: 1),
        new("gqa2_bias_untied_linear", new DecoderConfig
        {
            HiddenSize = 30, IntermediateSize = 52, LayerCount = 3, AttentionHeadCount = 6, KeyValueHeadCount = 3, HeadDim = 10,
            VocabSize = 97, AttentionBias = true, TieWordEmbeddings = false, RmsNormEps = 1e-5, RopeTheta = 1e6,
            RopeScaling = new RopeScaling(RopeScalingKind.Linear, Factor: 2),
        }, Seed: 12, PromptLength: 12, BlockLength: 6, DropLayer: 1),
        new("gqa4_nobias_untied_llama3", new DecoderConfig
        {
            HiddenSize = 32, IntermediateSize = 48, LayerCount = 3, AttentionHeadCount = 8, KeyValueHeadCount = 2, HeadDim = 14,
            VocabSize = 80, AttentionBias = false, TieWordEmbeddings = false, RmsNormEps = 1e-5, RopeTheta = 500000,
            RopeScaling = new RopeScaling(RopeScalingKind.Llama3, Factor: 8, LowFrequencyFactor: 1, HighFrequencyFactor: 4, OriginalMaxPositionEmbeddings: 16),
        }, Seed: 13, PromptLength: 10, BlockLength: 7, DropLayer: 2),
        new("gqa2_nobias_tied_dynamic", new DecoderConfig
        {
            HiddenSize = 16, IntermediateSize = 24, LayerCount = 2, AttentionHeadCount = 2, KeyValueHeadCount = 1,
            VocabSize = 40, AttentionBias = false, TieWordEmbeddings = true, RmsNormEps = 1e-6, RopeTheta = 10000,
            RopeScaling = new RopeScaling(RopeScalingKind.Dynamic, Factor: 2), MaxPositionEmbeddings = 16,
        }, Seed: 14, PromptLength: 20, BlockLength: 5, DropLayer: 1),
    ];

    public static TheoryData<string> Names => [.. All.Select(c => c.Name)];

    public static DecoderCase Get(string name) => All.Single(c => c.Name == name);

    public JsonObject ToJson()
    {
        var c = Config;
        var config = new JsonObject
        {
            ["hidden_size"] = c.HiddenSize,
            ["intermediate_size"] = c.IntermediateSize,
            ["num_hidden_layers"] = c.LayerCount,
            ["num_attention_heads"] = c.AttentionHeadCount,
            ["num_key_value_heads"] = c.KeyValueHeadCount,
            ["head_dim"] = c.ResolvedHeadDim,
            ["rms_norm_eps"] = c.RmsNormEps,
            ["rope_theta"] = c.RopeTheta,
            ["max_position_embeddings"] = c.MaxPositionEmbeddings,
            ["vocab_size"] = c.VocabSize,
            ["tie_word_embeddings"] = c.TieWordEmbeddings,
            ["attention_bias"] = c.AttentionBias,
            ["rope_scaling"] = c.RopeScaling.Kind switch
            {
                RopeScalingKind.None => null,
                RopeScalingKind.Linear => new JsonObject { ["rope_type"] = "linear", ["factor"] = c.RopeScaling.Factor },
                RopeScalingKind.Dynamic => new JsonObject { ["rope_type"] = "dynamic", ["factor"] = c.RopeScaling.Factor },
                _ => new JsonObject
                {
                    ["rope_type"] = "llama3",
                    ["factor"] = c.RopeScaling.Factor,
                    ["low_freq_factor"] = c.RopeScaling.LowFrequencyFactor,
                    ["high_freq_factor"] = c.RopeScaling.HighFrequencyFactor,
                    ["original_max_position_embeddings"] = c.RopeScaling.OriginalMaxPositionEmbeddings,
                },
            },
        };
        return new JsonObject
        {
            ["name"] = Name,
            ["seed"] = Seed,
            ["prompt_len"] = PromptLength,
            ["block_len"] = BlockLength,
            ["greedy_steps"] = GreedySteps,
            ["drop_layer"] = DropLayer,
            ["config"] = config,
        };
    }
}
