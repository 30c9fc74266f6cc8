namespace FastAV.Live.Engine.Sessions;

/// <summary>A question asked again every PeriodSeconds of media ("is anyone at the door?").</summary>
public sealed record StandingQuestion
{
    public required string Id { get; init; }

    public required int[] TokenIds { get; init; }

    public double PeriodSeconds { get; init; } = 10;

    /// <summary>Longest answer; the engine's default when null.</summary>
    public int? MaxNewTokens { get; init; }
}
