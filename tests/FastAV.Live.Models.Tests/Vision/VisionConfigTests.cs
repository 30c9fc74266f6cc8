using FastAV.Live.Models.Projectors;
using FastAV.Live.Models.Vision;

namespace FastAV.Live.Models.Tests.Vision;

public sealed class VisionConfigTests
{
    private static readonly VisionEncoderConfig Valid = new()
    {
        HiddenSize = 32,
        IntermediateSize = 48,
        LayerCount = 2,
        HeadCount = 4,
        ImageSize = 16,
        PatchSize = 4,
    };

    private static readonly ProjectorConfig Projector = new() { InputSize = 32, OutputSize = 8 };

    [Fact]
    public void FamilyDefaultsAndDerivedSizes()
    {
        Valid.Validate();
        Assert.Equal(Activation.GeluTanh, Valid.HiddenActivation);
        Assert.Equal(16, Valid.PositionCount);
        Assert.Equal(8, Valid.HeadDim);
        var clip = Valid with { Kind = VisionEncoderKind.Clip, FeatureLayer = -2 };
        Assert.Equal(Activation.QuickGelu, clip.HiddenActivation);
        Assert.Equal(17, clip.PositionCount);
        Assert.Equal(1, clip.FeatureLayerIndex);
        Assert.Equal(0, (Valid with { FeatureLayer = -3 }).FeatureLayerIndex);
        Assert.Null(Valid.FeatureLayerIndex);
        Assert.Equal(Activation.Gelu, (clip with { Activation = Activation.Gelu }).HiddenActivation);
    }

    public static TheoryData<string, VisionEncoderConfig> BadEncoders() => new()
    {
        { "HiddenSize", Valid with { HiddenSize = 0 } },
        { "HeadCount", Valid with { HiddenSize = 30 } },
        { "HeadCount", Valid with { HeadCount = -1 } },
        { "PatchSize", Valid with { PatchSize = 17 } },
        { "PatchSize", Valid with { PatchSize = 0 } },
        { "LayerCount", Valid with { LayerCount = -1 } },
        { "IntermediateSize", Valid with { IntermediateSize = int.MaxValue } },
        { "ImageSize", Valid with { ImageSize = int.MaxValue } },
        { "positions", Valid with { ImageSize = 60000, PatchSize = 1 } },
        { "LayerNormEps", Valid with { LayerNormEps = double.NaN } },
        { "LayerNormEps", Valid with { LayerNormEps = 0 } },
        { "FeatureLayer", Valid with { FeatureLayer = 3 } },
        { "FeatureLayer", Valid with { FeatureLayer = -4 } },
        { "KeepClassToken", Valid with { KeepClassToken = true } },
        { "Kind", Valid with { Kind = (VisionEncoderKind)7 } },
        { "Activation", Valid with { Activation = (Activation)9 } },
    };

    [Theory]
    [MemberData(nameof(BadEncoders))]
    public void ImpossibleEncoderConfigsAreRejected(string what, VisionEncoderConfig config)
    {
        var ex = Assert.ThrowsAny<ArgumentException>(config.Validate);
        Assert.Contains(what, ex.Message, StringComparison.Ordinal);
        Assert.ThrowsAny<ArgumentException>(() => new VisionEncoder(config, new Projectors.ReferenceWeightSource(new Dictionary<string, (float[], long[])>())));
    }

    [Fact]
    public void ImpossibleTowerConfigsAreRejected()
    {
        var tower = new VisionTowerConfig { Encoder = Valid, Projector = Projector, PooledGrid = new PatchGrid(2, 2) };
        tower.Validate();
        Assert.Contains("projector input size 31", Assert.Throws<ArgumentException>((tower with { Projector = Projector with { InputSize = 31 } }).Validate).Message, StringComparison.Ordinal);
        Assert.ThrowsAny<ArgumentException>((tower with { PooledGrid = new PatchGrid(0, 2) }).Validate);
        Assert.ThrowsAny<ArgumentException>((tower with { PooledGrid = new PatchGrid(2, -1) }).Validate);
        var clip = tower with { Encoder = Valid with { Kind = VisionEncoderKind.Clip } };
        Assert.Contains("class token", Assert.Throws<ArgumentException>(clip.Validate).Message, StringComparison.Ordinal);
        (clip with { Encoder = clip.Encoder with { FeatureLayer = -2 } }).Validate();
    }
}
