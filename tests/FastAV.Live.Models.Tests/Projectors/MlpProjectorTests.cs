using FastAV.Live.Models.Projectors;
using FastAV.Live.Torch;

namespace FastAV.Live.Models.Tests.Projectors;

public sealed class MlpProjectorTests
{
    // in 2 -> hidden 2 -> out 1: W1 = I, b1 = 0, W2 = [1, 1], b2 = 0.5.
    private static ReferenceWeightSource Weights(string prefix, string first, string second) => new(new Dictionary<string, (float[], long[])>
    {
        [$"{prefix}.{first}.weight"] = ([1, 0, 0, 1], [2, 2]),
        [$"{prefix}.{first}.bias"] = ([0, 0], [2]),
        [$"{prefix}.{second}.weight"] = ([1, 1], [1, 2]),
        [$"{prefix}.{second}.bias"] = ([0.5f], [1]),
    });

    [Theory]
    [InlineData(Activation.Gelu, 0.5 + 0.8413447460685429 - 0.15865525393145707)] // x·Φ(x) at ±1
    [InlineData(Activation.GeluTanh, 0.5 + 0.8411919906082768 - 0.15880800939172324)]
    [InlineData(Activation.QuickGelu, 0.5 + 0.8457957659 - 0.1542042341)] // x·σ(1.702x) at ±1
    public void ComputesLinearActivationLinear(Activation activation, double expected)
    {
        var config = new ProjectorConfig { InputSize = 2, HiddenSize = 2, OutputSize = 1, Activation = activation };
        using var projector = new MlpProjector(config, Weights("multi_modal_projector", "linear_1", "linear_2"));
        using var scope = new TensorScope();
        var y = projector.Forward(Torch.Torch.FromArray(new float[] { 1, -1, 1, -1 }, 2, 1, 2)); // [..., 2]
        Assert.Equal([2L, 1L, 1L], y.Shape);
        foreach (var v in y.ToArray<float>())
        {
            Assert.Equal(expected, v, 1e-6);
        }

        Assert.Equal(9, projector.ParameterCount);
    }

    [Fact]
    public void NamesFollowTheConfig()
    {
        var config = new ProjectorConfig { InputSize = 2, HiddenSize = 2, OutputSize = 1, Prefix = "model.mm_projector", FirstLayerName = "0", SecondLayerName = "2" };
        using var projector = new MlpProjector(config, Weights("model.mm_projector", "0", "2"));
        var ex = Assert.Throws<InvalidDataException>(() => new MlpProjector(config with { OutputSize = 3 }, Weights("model.mm_projector", "0", "2")));
        Assert.Contains("'model.mm_projector.2.weight' has shape [1, 2], expected [3, 2]", ex.Message, StringComparison.Ordinal);
        var missing = Assert.Throws<InvalidDataException>(() => new MlpProjector(config with { SecondLayerName = "3" }, Weights("model.mm_projector", "0", "2")));
        Assert.Contains("missing tensor 'model.mm_projector.3.weight' (expected shape [1, 2])", missing.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BadInputsAndConfigsAreRejected()
    {
        var config = new ProjectorConfig { InputSize = 2, HiddenSize = 2, OutputSize = 1 };
        using var projector = new MlpProjector(config, Weights("multi_modal_projector", "linear_1", "linear_2"));
        using var scope = new TensorScope();
        Assert.Contains("must end with 2 features", Assert.Throws<ArgumentException>(() => projector.Forward(Torch.Torch.Zeros([4, 3]))).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => projector.Forward(Torch.Torch.Zeros([])));
        Assert.Throws<ArgumentNullException>(() => projector.Forward(null!));
        Assert.ThrowsAny<ArgumentException>((config with { InputSize = 0 }).Validate);
        Assert.ThrowsAny<ArgumentException>((config with { HiddenSize = -1 }).Validate);
        Assert.ThrowsAny<ArgumentException>((config with { FirstLayerName = "x", SecondLayerName = "x" }).Validate);
        Assert.ThrowsAny<ArgumentException>((config with { Activation = (Activation)5 }).Validate);
        Assert.Equal(1, (config with { HiddenSize = null }).MiddleSize);
    }

    [Theory]
    [InlineData("gelu", Activation.Gelu)]
    [InlineData("gelu_pytorch_tanh", Activation.GeluTanh)]
    [InlineData("gelu_new", Activation.GeluTanh)]
    [InlineData("gelu_fast", Activation.GeluTanh)]
    [InlineData("quick_gelu", Activation.QuickGelu)]
    public void HuggingFaceActivationNamesParse(string name, Activation expected) => Assert.Equal(expected, ActivationNames.Parse(name));

    [Theory]
    [InlineData("relu")]
    [InlineData("")]
    [InlineData("GELU")]
    public void UnknownActivationsAreRejected(string name)
    {
        var ex = Assert.Throws<ArgumentException>(() => ActivationNames.Parse(name));
        Assert.Contains("unsupported activation", ex.Message, StringComparison.Ordinal);
    }
}
