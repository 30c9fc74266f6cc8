namespace FastAV.Live.Torch.Tests.Goldens;

/// <summary>Test classes comparing against PyTorch share one <see cref="GoldenFile"/>.</summary>
[CollectionDefinition(Name)]
public sealed class GoldenCollection : ICollectionFixture<GoldenFile>
{
    public const string Name = "PyTorch goldens";
}
