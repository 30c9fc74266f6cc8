namespace FastAV.Live.LoadTests.Capacity;

/// <summary>A capacity search: the criterion, one row per arm, every level in the order it ran, notes, and an error if the search could not finish.</summary>
public sealed record CapacityResult(double LimitMs, TimeSpan LevelDuration, IReadOnlyList<CapacityRow> Rows, IReadOnlyList<CapacityLevel> Levels, IReadOnlyList<string> Notes, string? Error);
