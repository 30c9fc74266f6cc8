namespace FastAV.Live.LoadTests;

/// <summary>Which copy of which scenario is running (NBomber's ScenarioInfo; a copy is a virtual user, here a camera or a caller).</summary>
/// <param name="ScenarioName">The scenario's name.</param>
/// <param name="ThreadNumber">The copy's number in its scenario, from 0; client pools pick a client by it.</param>
/// <param name="ThreadId">"{scenario}_{number}", unique in a run.</param>
public sealed record ScenarioInfo(string ScenarioName, int ThreadNumber, string ThreadId);
