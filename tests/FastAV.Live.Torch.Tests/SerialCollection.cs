namespace FastAV.Live.Torch.Tests;

/// <summary>Tests reading process-wide counters or RSS run with no other test in parallel.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SerialCollection
{
    public const string Name = "Serial (process-wide counters)";
}
