namespace FastAV.Live.Client.Tests;

/// <summary>The camera-scale tests run one at a time: each loads a 180 MB model and runs a 28-layer decoder.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class CameraScaleCollection : ICollectionFixture<CameraScaleModel>
{
    public const string Name = "Camera-scale model";
}
