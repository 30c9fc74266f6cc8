namespace FastAV.Live.LoadTests.Stats;

/// <summary>NBomber's latency buckets: ≤ 800 ms, 800–1200 ms, ≥ 1200 ms.</summary>
public sealed record LatencyCount(long LessOrEq800, long More800Less1200, long MoreOrEq1200);
