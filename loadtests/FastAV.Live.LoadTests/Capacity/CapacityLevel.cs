namespace FastAV.Live.LoadTests.Capacity;

/// <summary>One level run by the search: an arm at a fleet size, what it measured, whether it held, and if not why.</summary>
public sealed record CapacityLevel(
    int Order,
    string Model,
    string Policy,
    int Streams,
    bool Passed,
    double P50Ms,
    double P95Ms,
    long Answers,
    long WindowsPrefilled,
    long WindowsDropped,
    long Missing,
    long StreamsFailed,
    double FlopsRatio,
    string Why);
