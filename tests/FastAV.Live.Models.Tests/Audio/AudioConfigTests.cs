using FastAV.Live.Models.Audio;
using FastAV.Live.Models.Projectors;

namespace FastAV.Live.Models.Tests.Audio;

public sealed class AudioConfigTests
{
    private static readonly AudioEncoderConfig Valid = new()
    {
        MelBinCount = 80,
        HiddenSize = 32,
        LayerCount = 2,
        HeadCount = 4,
        FfnSize = 64,
    };

    [Fact]
    public void DefaultsAreWhispers()
    {
        Valid.Validate();
        Assert.Equal(1500, Valid.MaxSourcePositions);
        Assert.Equal(3000, Valid.MaxFrames);
        Assert.Equal("encoder", Valid.Prefix);
        Assert.Equal(50, AudioEncoderConfig.PositionCount(100));
        Assert.Equal(19, AudioEncoderConfig.PositionCount(37));
        Assert.Equal(1, AudioEncoderConfig.PositionCount(1));
        var tower = new AudioTowerConfig { Encoder = Valid, Projector = new ProjectorConfig { InputSize = 32, OutputSize = 8 } };
        tower.Validate();
        Assert.Equal(2, tower.PoolingKernel);
    }

    public static TheoryData<string, AudioEncoderConfig> BadEncoders() => new()
    {
        { "MelBinCount", Valid with { MelBinCount = 64 } },
        { "HiddenSize", Valid with { HiddenSize = -32 } },
        { "HeadCount", Valid with { HeadCount = 5 } },
        { "FfnSize", Valid with { FfnSize = 0 } },
        { "MaxSourcePositions", Valid with { MaxSourcePositions = 0 } },
        { "MaxSourcePositions", Valid with { MaxSourcePositions = int.MaxValue } },
        { "LayerCount", Valid with { LayerCount = 1 << 20 } },
        { "sinusoid", Valid with { HiddenSize = 2, HeadCount = 1, PositionsInWeights = false } },
        { "sinusoid", Valid with { HiddenSize = 33, HeadCount = 1, PositionsInWeights = false } },
        { "LayerNormEps", Valid with { LayerNormEps = -1 } },
        { "Activation", Valid with { Activation = (Activation)42 } },
    };

    [Theory]
    [MemberData(nameof(BadEncoders))]
    public void ImpossibleEncoderConfigsAreRejected(string what, AudioEncoderConfig config)
    {
        var ex = Assert.ThrowsAny<ArgumentException>(config.Validate);
        Assert.Contains(what, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(3, null, 32)]
    [InlineData(0, null, 32)]
    [InlineData(100, null, 32)]
    [InlineData(25, 31.0, 32)]
    [InlineData(25, double.NaN, 32)]
    [InlineData(25, null, 33)]
    public void ImpossibleTowerConfigsAreRejected(int tokensPerSecond, double? padTo, int projectorInput)
    {
        var tower = new AudioTowerConfig
        {
            Encoder = Valid,
            Projector = new ProjectorConfig { InputSize = projectorInput, OutputSize = 8 },
            TokensPerSecond = tokensPerSecond,
            PadToSeconds = padTo,
        };
        Assert.ThrowsAny<ArgumentException>(tower.Validate);
    }

    [Fact]
    public void SinusoidsRejectImpossibleSizes()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => WhisperPositions.Sinusoids(0, 8));
        Assert.Throws<ArgumentOutOfRangeException>(() => WhisperPositions.Sinusoids(4, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => WhisperPositions.Sinusoids(4, 7));
    }
}
