using FastAV.Live.Models.Tests.Projectors;
using FastAV.Live.Models.Vision;

namespace FastAV.Live.Models.Tests.Vision;

/// <summary>Bad checkpoints: every missing tensor, wrong shapes and dtypes fail construction with the tensor's name and expected shape.</summary>
[Collection(EncoderReferenceCollection.Name)]
public sealed class VisionWeightTests(EncoderReferenceFile reference)
{
    [Theory]
    [InlineData("siglip_pool")]
    [InlineData("clip_pool_after")]
    public void EachMissingTensorIsNamedWithItsExpectedShape(string name)
    {
        var c = reference[name];
        var config = c.VisionConfig();
        var checkedNames = 0;
        foreach (var (tensor, (_, shape)) in c.WeightArrays)
        {
            if (tensor.Contains("post_layernorm", StringComparison.Ordinal) && config.Encoder.HasClassToken)
            {
                // CLIP's post_layernorm serves only the pooled class token: not needed, not required.
                using var tower = new VisionTower(config, c.Weights.Without(tensor));
                continue;
            }

            var ex = Assert.Throws<InvalidDataException>(() => new VisionTower(config, c.Weights.Without(tensor)));
            Assert.Contains($"missing tensor '{tensor}'", ex.Message, StringComparison.Ordinal);
            Assert.Contains($"expected shape [{string.Join(", ", shape)}]", ex.Message, StringComparison.Ordinal);
            checkedNames++;
        }

        Assert.True(checkedNames >= 40, $"only {checkedNames} tensors checked");
    }

    [Fact]
    public void WrongShapesAreNamedWithBothShapes()
    {
        var c = reference["siglip_pool"];
        var config = c.VisionConfig();
        const string Name = "vision_model.embeddings.position_embedding.weight";

        // A source that checks shapes itself (as the safetensors loader does) and one that does not:
        // either way the error names the tensor and the shapes.
        var strict = Assert.Throws<InvalidDataException>(() => new VisionTower(config, c.Weights.With(Name, new float[17 * 32], 17, 32)));
        Assert.Contains(Name, strict.Message, StringComparison.Ordinal);
        var lenient = Assert.Throws<InvalidDataException>(() => new VisionTower(config, c.Weights.Lenient().With(Name, new float[17 * 32], 17, 32)));
        Assert.Equal($"model weights: tensor '{Name}' has shape [17, 32], expected shape [16, 32]", lenient.Message);

        // Same element count, other layout: a transposed projector weight.
        const string Proj = "multi_modal_projector.linear_1.weight";
        var transposed = Assert.Throws<InvalidDataException>(() => new VisionTower(config, c.Weights.Lenient().With(Proj, new float[40 * 32], 32, 40)));
        Assert.Contains("[32, 40], expected shape [40, 32]", transposed.Message, StringComparison.Ordinal);

        var conv = Assert.Throws<InvalidDataException>(() => new VisionTower(config, c.Weights.Lenient().With("vision_model.embeddings.patch_embedding.weight", new float[32 * 3 * 16], 32, 3, 16)));
        Assert.Contains("expected shape [32, 3, 4, 4]", conv.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AConfigThatDisagreesWithTheCheckpointFailsOnTheFirstDifferingTensor()
    {
        var c = reference["siglip_pool"];
        var config = c.VisionConfig();
        var deeper = config with { Encoder = config.Encoder with { LayerCount = 3 } };
        var ex = Assert.Throws<InvalidDataException>(() => new VisionTower(deeper, c.Weights));
        Assert.Contains("missing tensor 'vision_model.encoder.layers.2.layer_norm1.weight' (expected shape [32])", ex.Message, StringComparison.Ordinal);
        var wider = config with { Encoder = config.Encoder with { IntermediateSize = 64 } };
        var mlp = Assert.Throws<InvalidDataException>(() => new VisionTower(wider, c.Weights.Lenient()));
        Assert.Contains("'vision_model.encoder.layers.0.mlp.fc1.weight' has shape [48, 32], expected shape [64, 32]", mlp.Message, StringComparison.Ordinal);
        var clip = config with { Encoder = config.Encoder with { Kind = VisionEncoderKind.Clip, FeatureLayer = -1 } };
        var cls = Assert.Throws<InvalidDataException>(() => new VisionTower(clip, c.Weights.Lenient()));
        Assert.Contains("position_embedding.weight' has shape [16, 32], expected shape [17, 32]", cls.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void IntegerTensorsAreRejected()
    {
        var c = reference["siglip_pool"];
        const string Name = "vision_model.post_layernorm.bias";
        var ex = Assert.Throws<InvalidDataException>(() => new VisionTower(c.VisionConfig(), new IntegerTensorSource(c.Weights, Name)));
        Assert.Contains($"'{Name}' is Int64, expected a floating-point tensor of shape [32]", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PrefixIsConfigurable()
    {
        var c = reference["siglip_pool"];
        var renamed = c.WeightArrays.ToDictionary(
            kv => kv.Key.StartsWith("vision_model.", StringComparison.Ordinal) ? "vision_tower." + kv.Key : kv.Key,
            kv => kv.Value);
        var config = c.VisionConfig();
        var moved = config with { Encoder = config.Encoder with { Prefix = "vision_tower.vision_model" } };
        using var tower = new VisionTower(moved, new ReferenceWeightSource(renamed));
        using var scope = new FastAV.Live.Torch.TensorScope();
        Parity.AssertClose(c, "run0", "block", tower.Embed(c.Tensor("run0", "pixels")));
        Assert.Throws<InvalidDataException>(() => new VisionTower(config, new ReferenceWeightSource(renamed)));
    }
}
