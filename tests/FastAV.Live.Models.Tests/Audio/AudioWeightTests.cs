using FastAV.Live.Models.Audio;
using FastAV.Live.Models.Tests.Projectors;

namespace FastAV.Live.Models.Tests.Audio;

/// <summary>Bad checkpoints for the Whisper tower: every missing tensor, wrong shapes and dtypes are named with the expected shape.</summary>
[Collection(EncoderReferenceCollection.Name)]
public sealed class AudioWeightTests(EncoderReferenceFile reference)
{
    [Theory]
    [InlineData("whisper80")]
    [InlineData("whisper128")]
    public void EachMissingTensorIsNamedWithItsExpectedShape(string name)
    {
        var c = reference[name];
        var config = c.AudioConfig();
        foreach (var (tensor, (_, shape)) in c.WeightArrays)
        {
            var ex = Assert.Throws<InvalidDataException>(() => new AudioTower(config, c.Weights.Without(tensor)));
            Assert.Contains($"missing tensor '{tensor}' (expected shape [{string.Join(", ", shape)}])", ex.Message, StringComparison.Ordinal);
        }

        Assert.True(c.WeightArrays.Count >= 30);
    }

    [Fact]
    public void KeyProjectionHasNoBiasAndStoredPositionsAreRequired()
    {
        var c = reference["whisper80"];
        Assert.DoesNotContain("encoder.layers.0.self_attn.k_proj.bias", c.WeightArrays.Keys);
        Assert.Contains("encoder.layers.0.self_attn.q_proj.bias", c.WeightArrays.Keys);
        var ex = Assert.Throws<InvalidDataException>(() => new AudioTower(c.AudioConfig(), c.Weights.Without("encoder.embed_positions.weight")));
        Assert.Contains("[64, 32]", ex.Message, StringComparison.Ordinal);

        // Computing the table instead gives the same tower (the reference stores Whisper's sinusoids).
        var computed = c.AudioConfig() with { Encoder = c.AudioConfig().Encoder with { PositionsInWeights = false } };
        using var tower = new AudioTower(computed, c.Weights.Without("encoder.embed_positions.weight"));
        using var scope = new FastAV.Live.Torch.TensorScope();
        Parity.AssertClose(c, "run0", "block", tower.Embed(c.Tensor("run0", "mel"), 1.0));
    }

    [Fact]
    public void WrongShapesAndDtypesAreNamed()
    {
        var c = reference["whisper80"];
        var config = c.AudioConfig();
        var conv = Assert.Throws<InvalidDataException>(() => new AudioTower(config, c.Weights.Lenient().With("encoder.conv1.weight", new float[32 * 128 * 3], 32, 128, 3)));
        Assert.Equal("model weights: tensor 'encoder.conv1.weight' has shape [32, 128, 3], expected shape [32, 80, 3]", conv.Message);
        var mels = config with { Encoder = config.Encoder with { MelBinCount = 128 } };
        Assert.Contains("encoder.conv1.weight", Assert.Throws<InvalidDataException>(() => new AudioTower(mels, c.Weights.Lenient())).Message, StringComparison.Ordinal);
        var longer = config with { Encoder = config.Encoder with { MaxSourcePositions = 1500 } };
        Assert.Contains("'encoder.embed_positions.weight' has shape [64, 32], expected shape [1500, 32]", Assert.Throws<InvalidDataException>(() => new AudioTower(longer, c.Weights.Lenient())).Message, StringComparison.Ordinal);
        var ints = Assert.Throws<InvalidDataException>(() => new AudioTower(config, new IntegerTensorSource(c.Weights, "encoder.layer_norm.weight")));
        Assert.Contains("'encoder.layer_norm.weight' is Int64", ints.Message, StringComparison.Ordinal);
    }
}
