namespace FastAV.Live.Interop.Tests;

/// <summary>One collection: the servers start once, and the interop classes (child processes) do not compete for the 2 cores.</summary>
[CollectionDefinition(Name)]
public sealed class InteropCollection : ICollectionFixture<InteropServers>
{
    public const string Name = "interop";
}
