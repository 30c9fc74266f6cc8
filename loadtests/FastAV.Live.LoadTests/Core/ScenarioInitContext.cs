namespace FastAV.Live.LoadTests;

/// <summary>What a scenario's init and clean functions get.</summary>
public sealed record ScenarioInitContext(string ScenarioName, CancellationToken CancellationToken);
