namespace FastAV.Live.Models.Tests.Decoder;

/// <summary>Tests reading process-wide tensor counters run alone.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class DecoderSerialCollection
{
    public const string Name = "Decoder serial (process-wide counters)";
}
