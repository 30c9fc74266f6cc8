using FastAV.Live.Models.Decoder;

namespace FastAV.Live.Models.Tests.Decoder;

/// <summary>Reads the process-wide tensor counter, so it runs with no other test beside it.</summary>
[Collection(DecoderSerialCollection.Name)]
public sealed class DecoderLoadCleanupTests
{
    [Fact]
    public void AFailedLoadNamesTheMissingWeightAndReleasesWhatItTook()
    {
        using var weights = new RandomDecoderWeights(DecoderModelTests.Config);
        weights.Remove("model.layers.2.mlp.up_proj.weight");
        var live = Torch.Torch.LiveTensorCount;
        var e = Assert.Throws<InvalidDataException>(() => DecoderModel.Load(DecoderModelTests.Config, weights));
        Assert.Contains("'model.layers.2.mlp.up_proj.weight' is missing (expected shape [32, 24])", e.Message, StringComparison.Ordinal);
        Assert.Equal(live, Torch.Torch.LiveTensorCount);

        weights.Replace("model.layers.2.mlp.up_proj.weight", Torch.Torch.Zeros([32, 24]));
        live = Torch.Torch.LiveTensorCount;
        var model = DecoderModel.Load(DecoderModelTests.Config, weights);
        Assert.True(Torch.Torch.LiveTensorCount > live);
        model.Dispose();
        Assert.Equal(live, Torch.Torch.LiveTensorCount);
    }
}
