namespace FastAV.Live.LoadTests;

/// <summary>A simulation placed on the scenario's timeline; <paramref name="PreviousValue"/> is where a ramp starts from.</summary>
public sealed record TimelineSegment(LoadSimulation Simulation, TimeSpan Start, TimeSpan End, int PreviousValue);
