using FastAV.Live.Models.Config;

namespace FastAV.Live.Models.Tests.Config;

public sealed class ConfigTests
{
    // Qwen2-0.5B-Instruct's config.json (the fields we read).
    private const string Qwen2 = """
        {"architectures": ["Qwen2ForCausalLM"], "bos_token_id": 151643, "eos_token_id": 151645, "hidden_act": "silu",
         "hidden_size": 896, "intermediate_size": 4864, "max_position_embeddings": 32768, "model_type": "qwen2",
         "num_attention_heads": 14, "num_hidden_layers": 24, "num_key_value_heads": 2, "rms_norm_eps": 1e-06,
         "rope_theta": 1000000.0, "tie_word_embeddings": true, "torch_dtype": "bfloat16", "vocab_size": 151936}
        """;

    [Fact]
    public void ReadsQwen2()
    {
        var c = Qwen2Config.Parse(Qwen2);
        Assert.Equal((896, 4864, 24, 14, 2, 64), (c.HiddenSize, c.IntermediateSize, c.NumHiddenLayers, c.NumAttentionHeads, c.NumKeyValueHeads, c.HeadDim));
        Assert.Equal(1e-6, c.RmsNormEps);
        Assert.Equal(1e6, c.RopeTheta);
        Assert.True(c.TieWordEmbeddings);
        Assert.True(c.QkvBias);
        Assert.False(c.OutputBias);
        Assert.Null(c.RopeScaling);
        Assert.Equal([151645], c.EosTokenIds);
        Assert.Equal(151643, c.BosTokenId);
    }

    [Fact]
    public void ReadsLlamaWithLlama3ScalingAndExplicitHeadDim()
    {
        var c = Qwen2Config.Parse("""
            {"model_type": "llama", "hidden_size": 96, "intermediate_size": 256, "num_hidden_layers": 2,
             "num_attention_heads": 4, "num_key_value_heads": 2, "head_dim": 30, "vocab_size": 1000, "attention_bias": true,
             "eos_token_id": [1, 2], "rope_theta": 500000,
             "rope_scaling": {"rope_type": "llama3", "factor": 8.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0,
                              "original_max_position_embeddings": 8192}}
            """);
        Assert.Equal(30, c.HeadDim);
        Assert.True(c.QkvBias);
        Assert.True(c.OutputBias);
        Assert.Equal([1, 2], c.EosTokenIds);
        Assert.Equal(RopeScalingType.Llama3, c.RopeScaling!.Type);
        Assert.Equal((8.0, 1.0, 4.0, 8192), (c.RopeScaling.Factor, c.RopeScaling.LowFreqFactor, c.RopeScaling.HighFreqFactor, c.RopeScaling.OriginalMaxPositionEmbeddings));
    }

    [Theory]
    [InlineData("""{"type": "linear", "factor": 2}""", RopeScalingType.Linear)]
    [InlineData("""{"type": "dynamic", "factor": 4, "original_max_position_embeddings": 4096}""", RopeScalingType.Dynamic)]
    [InlineData("""{"type": "yarn", "factor": 4, "beta_fast": 32, "beta_slow": 1, "original_max_position_embeddings": 32768}""", RopeScalingType.Yarn)]
    public void ReadsRopeScalingKinds(string scaling, RopeScalingType type)
    {
        var c = Qwen2Config.Parse(Qwen2.Replace("\"vocab_size\"", $"\"rope_scaling\": {scaling}, \"vocab_size\"", StringComparison.Ordinal));
        Assert.Equal(type, c.RopeScaling!.Type);
    }

    [Theory]
    [InlineData("\"num_attention_heads\": 14", "\"num_attention_heads\": 0", "num_attention_heads must be an integer in 1..4096, not 0")]
    [InlineData("\"num_key_value_heads\": 2", "\"num_key_value_heads\": 4", "num_key_value_heads must divide num_attention_heads (14), not 4")]
    [InlineData("\"hidden_size\": 896", "\"hidden_size\": 900", "hidden_size must be a multiple of num_attention_heads (14)")]
    [InlineData("\"hidden_size\": 896", "\"hidden_size\": -896", "hidden_size must be an integer")]
    [InlineData("\"hidden_size\": 896", "\"hidden_size\": \"896\"", "hidden_size must be an integer, not \"896\"")]
    [InlineData("\"rms_norm_eps\": 1e-06", "\"rms_norm_eps\": 0", "rms_norm_eps must be a positive number, not 0")]
    [InlineData("\"rope_theta\": 1000000.0", "\"rope_theta\": -1", "rope_theta must be a positive number")]
    [InlineData("\"vocab_size\": 151936", "\"vocab_size\": 1000", "must be a token id below vocab_size (1000), not 151645")]
    [InlineData("\"vocab_size\": 151936", "\"vocab_size\": 99999999999", "vocab_size must be an integer")]
    [InlineData("\"num_hidden_layers\": 24,", "", "num_hidden_layers is required")]
    [InlineData("\"tie_word_embeddings\": true", "\"tie_word_embeddings\": 1", "tie_word_embeddings must be true or false")]
    [InlineData("\"vocab_size\"", "\"rope_scaling\": {\"type\": \"linear\", \"factor\": 0.5}, \"vocab_size\"", "factor must be at least 1")]
    [InlineData("\"vocab_size\"", "\"rope_scaling\": {\"type\": \"llama3\", \"factor\": 8, \"low_freq_factor\": 4, \"high_freq_factor\": 1, \"original_max_position_embeddings\": 8192}, \"vocab_size\"", "must exceed low_freq_factor")]
    [InlineData("\"vocab_size\"", "\"head_dim\": 63, \"vocab_size\"", "head_dim must be even")]
    public void ImpossibleDecoderValuesAreClearErrors(string find, string replace, string message)
    {
        var ex = Assert.Throws<InvalidDataException>(() => Qwen2Config.Parse(Qwen2.Replace(find, replace, StringComparison.Ordinal), "m/config.json"));
        Assert.StartsWith("m/config.json", ex.Message);
        Assert.Contains(message, ex.Message);
    }

    [Fact]
    public void UnsupportedFamiliesAndScalingSayWhat()
    {
        Assert.Contains("'bert'", Assert.Throws<NotSupportedException>(() => Qwen2Config.Parse("""{"model_type": "bert"}""")).Message);
        Assert.Contains("'mrope'", Assert.Throws<NotSupportedException>(() =>
            Qwen2Config.Parse(Qwen2.Replace("\"vocab_size\"", "\"rope_scaling\": {\"type\": \"mrope\"}, \"vocab_size\"", StringComparison.Ordinal))).Message);
        Assert.Contains("not valid JSON", Assert.Throws<InvalidDataException>(() => Qwen2Config.Parse("{")).Message);
        Assert.Contains("not an object", Assert.Throws<InvalidDataException>(() => Qwen2Config.Parse("[]")).Message);
    }

    [Fact]
    public void ReadsSiglipFromAFullConfigAndClipDefaults()
    {
        var s = VisionConfig.Parse("""
            {"model_type": "siglip", "vision_config": {"model_type": "siglip_vision_model", "hidden_size": 1152, "intermediate_size": 4304,
             "num_hidden_layers": 27, "num_attention_heads": 16, "image_size": 384, "patch_size": 14}}
            """);
        Assert.Equal((1152, 27, 16, 384, 14, 27, 729), (s.HiddenSize, s.NumHiddenLayers, s.NumAttentionHeads, s.ImageSize, s.PatchSize, s.PatchesPerSide, s.PatchCount));
        Assert.Equal(("gelu_pytorch_tanh", 1e-6), (s.HiddenAct, s.LayerNormEps));
        var c = VisionConfig.Parse("""{"model_type": "clip_vision_model"}""");
        Assert.Equal((32, "quick_gelu", 1e-5, true), (c.PatchSize, c.HiddenAct, c.LayerNormEps, c.IsClip));
        Assert.Contains("image_size must be at least patch_size (14), not 10", Assert.Throws<InvalidDataException>(() =>
            VisionConfig.Parse("""{"image_size": 10, "patch_size": 14}""")).Message);
        Assert.Contains("hidden_size must be a multiple of num_attention_heads (7)", Assert.Throws<InvalidDataException>(() =>
            VisionConfig.Parse("""{"hidden_size": 64, "num_attention_heads": 7}""")).Message);
    }

    [Fact]
    public void ReadsWhisperEncoder()
    {
        var w = WhisperEncoderConfig.Parse("""
            {"model_type": "whisper", "d_model": 384, "encoder_layers": 4, "encoder_attention_heads": 6, "encoder_ffn_dim": 1536,
             "num_mel_bins": 80, "max_source_positions": 1500, "activation_function": "gelu"}
            """);
        Assert.Equal((384, 4, 6, 1536, 80, 1500, 64), (w.DModel, w.EncoderLayers, w.EncoderAttentionHeads, w.EncoderFfnDim, w.NumMelBins, w.MaxSourcePositions, w.HeadDim));
        Assert.Contains("num_mel_bins must be an integer in 1..1024, not 0", Assert.Throws<InvalidDataException>(() =>
            WhisperEncoderConfig.Parse("""{"num_mel_bins": 0}""")).Message);
        Assert.Contains("d_model must be a multiple", Assert.Throws<InvalidDataException>(() =>
            WhisperEncoderConfig.Parse("""{"d_model": 100, "encoder_attention_heads": 3}""")).Message);
    }

    private const string FastAv = """
        {"llm": "llm", "vision_encoder": "vision", "vision_projector": {"type": "mlp2x_gelu", "weight_prefix": "mm_projector."},
         "audio_encoder": "audio", "audio_projector": {"type": "linear", "weight_prefix": "audio_projector."},
         "frames_per_window": 4, "tokens_per_frame": 16, "audio_tokens_per_second": 12.5,
         "prompt": {"format": "chatml", "system": "Watch and listen.", "user": "<|vision_start|>{video}<|vision_end|>{audio}\n{question}"},
         "special_tokens": {"video_pad": "<|video_pad|>", "audio_pad": "<|AUDIO|>", "stop": ["<|im_end|>"]}}
        """;

    [Fact]
    public void ReadsFastAvComposition()
    {
        var c = FastAvConfig.Parse(FastAv);
        Assert.Equal(("llm", "llm", "vision", "audio"), (c.Llm, c.Tokenizer, c.VisionEncoder, c.AudioEncoder));
        Assert.Equal(new ProjectorConfig("mlp2x_gelu", "mm_projector."), c.VisionProjector);
        Assert.Equal((4, 16, 12.5), (c.FramesPerWindow, c.TokensPerFrame, c.AudioTokensPerSecond));
        Assert.Equal("Watch and listen.", c.Prompt.System);
        Assert.Equal(["<|im_end|>"], c.SpecialTokens.Stop);
        Assert.Equal("<|AUDIO|>", c.SpecialTokens.AudioPad);
    }

    [Theory]
    [InlineData("\"llm\": \"llm\"", "\"llm\": \"../elsewhere\"", "llm must be a folder inside the model directory")]
    [InlineData("\"llm\": \"llm\"", "\"llm\": \"/etc\"", "llm must be a folder inside the model directory")]
    [InlineData("\"tokens_per_frame\": 16", "\"tokens_per_frame\": 0", "tokens_per_frame must be an integer in 1..65536, not 0")]
    [InlineData("\"frames_per_window\": 4", "\"frames_per_window\": -2", "frames_per_window must be an integer")]
    [InlineData("\"audio_tokens_per_second\": 12.5", "\"audio_tokens_per_second\": 0", "audio_tokens_per_second must be a positive number")]
    [InlineData("\"audio_tokens_per_second\": 12.5", "\"audio_tokens_per_second\": 5000", "must be at most 1000")]
    [InlineData("{question}", "{q}", "user must contain {question}")]
    [InlineData("{video}", "", "must place {video}")]
    [InlineData("\"stop\": [\"<|im_end|>\"]", "\"stop\": []", "stop must list at least one")]
    [InlineData("\"audio_projector\": {\"type\": \"linear\", \"weight_prefix\": \"audio_projector.\"},", "", "each encoder needs its projector")]
    public void ImpossibleCompositionsAreClearErrors(string find, string replace, string message)
    {
        var ex = Assert.Throws<InvalidDataException>(() => FastAvConfig.Parse(FastAv.Replace(find, replace, StringComparison.Ordinal)));
        Assert.Contains(message, ex.Message);
    }
}
