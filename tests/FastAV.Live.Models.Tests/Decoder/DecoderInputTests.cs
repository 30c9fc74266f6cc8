using FastAV.Live.Models.Decoder;
using FastAV.Live.Torch;

namespace FastAV.Live.Models.Tests.Decoder;

/// <summary>Impossible configs, bad weights and malformed calls: a clear exception, never a crash.</summary>
public sealed class DecoderInputTests
{
    private static readonly DecoderConfig Config = DecoderModelTests.Config;

    public static TheoryData<string, DecoderConfig> BadConfigs => new()
    {
        { "hidden_size", Config with { HiddenSize = 0 } },
        { "intermediate_size", Config with { IntermediateSize = -1 } },
        { "num_hidden_layers", Config with { LayerCount = 0 } },
        { "num_attention_heads", Config with { AttentionHeadCount = 0 } },
        { "num_key_value_heads", Config with { KeyValueHeadCount = 0 } },
        { "vocab_size", Config with { VocabSize = 0 } },
        { "not divisible", Config with { HiddenSize = 25 } },
        { "head_dim must be even", Config with { HeadDim = 7 } },
        { "head_dim must be >= 0", Config with { HeadDim = -2 } },
        { "not a multiple", Config with { KeyValueHeadCount = 3 } },
        { "rms_norm_eps", Config with { RmsNormEps = 0 } },
        { "rms_norm_eps", Config with { RmsNormEps = double.NaN } },
        { "rope_theta", Config with { RopeTheta = double.PositiveInfinity } },
        { "max_position_embeddings", Config with { MaxPositionEmbeddings = 0 } },
        { "factor", Config with { RopeScaling = new RopeScaling(RopeScalingKind.Linear, Factor: 0.5) } },
        { "factor", Config with { RopeScaling = new RopeScaling(RopeScalingKind.Dynamic, Factor: double.NaN) } },
        { "low_freq_factor", Config with { RopeScaling = new RopeScaling(RopeScalingKind.Llama3, Factor: 8, LowFrequencyFactor: 4, HighFrequencyFactor: 1) } },
        { "original_max_position_embeddings", Config with { RopeScaling = new RopeScaling(RopeScalingKind.Llama3, Factor: 8, OriginalMaxPositionEmbeddings: 0) } },
    };

    [Theory]
    [MemberData(nameof(BadConfigs))]
    public void ImpossibleConfigsAreRejectedBeforeAnyWeightIsRead(string expected, DecoderConfig config)
    {
        using var weights = new RandomDecoderWeights(Config);
        var e = Assert.Throws<ArgumentException>(() => DecoderModel.Load(config, weights));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingBiasAndUntiedHeadAreNamed()
    {
        using var weights = new RandomDecoderWeights(Config with { AttentionBias = false });
        Assert.Contains("q_proj.bias", Assert.Throws<InvalidDataException>(() => DecoderModel.Load(Config, weights)).Message, StringComparison.Ordinal);
        using var tied = new RandomDecoderWeights(Config with { TieWordEmbeddings = true });
        Assert.Contains("lm_head.weight", Assert.Throws<InvalidDataException>(() => DecoderModel.Load(Config, tied)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WrongShapeWrongDtypeAndMixedDtypesAreRejected()
    {
        using var weights = new RandomDecoderWeights(Config);
        using (var scope = new TensorScope())
        {
            weights.Replace("model.norm.weight", Torch.Torch.Ones([23]));
        }

        var e = Assert.Throws<InvalidDataException>(() => DecoderModel.Load(Config, weights));
        Assert.Contains("'model.norm.weight' has shape [23], expected [24]", e.Message, StringComparison.Ordinal);

        using (var scope = new TensorScope())
        {
            weights.Replace("model.norm.weight", Torch.Torch.Ones([24], DType.Int64));
        }

        Assert.Contains("Int64", Assert.Throws<InvalidDataException>(() => DecoderModel.Load(Config, weights)).Message, StringComparison.Ordinal);

        using (var scope = new TensorScope())
        {
            weights.Replace("model.norm.weight", Torch.Torch.Ones([24], DType.Float16));
        }

        Assert.Contains("earlier weights are Float32", Assert.Throws<InvalidDataException>(() => DecoderModel.Load(Config, weights)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MalformedCallsThrowClearly()
    {
        using var weights = new RandomDecoderWeights(Config);
        using var model = DecoderModel.Load(Config, weights);
        using var scope = new TensorScope();
        using var cache = model.CreateCache();
        Assert.Throws<ArgumentException>(() => model.Embed([]));
        Assert.Throws<ArgumentOutOfRangeException>(() => model.Embed([1, 50]));
        Assert.Throws<ArgumentOutOfRangeException>(() => model.Embed([-1]));
        Assert.Throws<ArgumentOutOfRangeException>(() => model.Embed([long.MaxValue]));

        var h = model.Embed([1, 2]);
        Assert.Throws<ArgumentException>(() => model.RunLayers(h, [0], cache, 0, 3));                 // positions count
        Assert.Throws<ArgumentOutOfRangeException>(() => model.RunLayers(h, [0, -1], cache, 0, 3));  // negative position
        Assert.Throws<ArgumentOutOfRangeException>(() => model.RunLayers(h, [0, 1], cache, 0, 4));   // past the last layer
        Assert.Throws<ArgumentOutOfRangeException>(() => model.RunLayers(h, [0, 1], cache, 2, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => model.RunLayers(h, [0, 1], cache, -1, 1));
        Assert.Throws<ArgumentException>(() => model.RunLayers(Torch.Torch.Zeros([2, 23]), [0, 1], cache, 0, 3));
        Assert.Throws<ArgumentException>(() => model.RunLayers(Torch.Torch.Zeros([24]), [0], cache, 0, 3));
        Assert.Throws<ArgumentException>(() => model.RunLayers(Torch.Torch.Zeros([0, 24]), [], cache, 0, 3));
        Assert.Throws<ArgumentException>(() => model.RunLayers(Torch.Torch.Zeros([2, 24], DType.Float64), [0, 1], cache, 0, 3));
        using (var other = new DecoderKvCache(Config with { LayerCount = 2 }))
        {
            Assert.Throws<ArgumentException>(() => model.RunLayers(h, [0, 1], other, 0, 2));
        }

        Assert.Throws<ArgumentException>(() => model.Logits(Torch.Torch.Zeros([2, 23])));
        Assert.All(cache.Counts(), n => Assert.Equal(0, n)); // nothing was appended by a rejected call

        model.Forward([1, 2, 3], [0, 1, 2], cache);
        var slots = new Dictionary<int, int[]> { [1] = [0, 3] };
        Assert.Throws<ArgumentOutOfRangeException>(() => model.RunLayers(h, [3, 4], cache, 0, 3, null, slots));
        slots[1] = [2, 0];
        Assert.Throws<ArgumentException>(() => model.RunLayers(h, [3, 4], cache, 1, 3, null, slots));
        Assert.All(cache.Counts(), n => Assert.Equal(3, n));
        Assert.Throws<ArgumentOutOfRangeException>(() => model.CreateCache(0));
    }
}
