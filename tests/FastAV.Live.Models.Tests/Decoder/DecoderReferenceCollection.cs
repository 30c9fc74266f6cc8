namespace FastAV.Live.Models.Tests.Decoder;

/// <summary>Test classes comparing with the PyTorch reference share one run of it.</summary>
[CollectionDefinition(Name)]
public sealed class DecoderReferenceCollection : ICollectionFixture<DecoderReference>
{
    public const string Name = "Decoder PyTorch reference";
}
