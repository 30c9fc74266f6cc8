namespace FastAV.Live.LoadTests.Streaming;

/// <summary>A streaming latency in milliseconds (from an HdrHistogram at µs resolution); zeros when Count is 0.</summary>
public sealed record LatencySummary(long Count, double MeanMs, double P50, double P95, double P99, double MaxMs);
