namespace FastAV.Live.LoadTests.Stats;

/// <summary>One reporting interval of one step (or of the scenario, Step = ""): counts and the interval's own latency percentiles in ms (NaN when none).</summary>
public sealed record IntervalPoint(TimeSpan At, string Step, long Ok, long Fail, double P50, double P95, double P99);
