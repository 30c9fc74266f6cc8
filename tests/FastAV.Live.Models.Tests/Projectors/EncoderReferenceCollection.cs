namespace FastAV.Live.Models.Tests.Projectors;

/// <summary>Encoder parity test classes share one <see cref="EncoderReferenceFile"/>.</summary>
[CollectionDefinition(Name)]
public sealed class EncoderReferenceCollection : ICollectionFixture<EncoderReferenceFile>
{
    public const string Name = "PyTorch encoder references";
}
