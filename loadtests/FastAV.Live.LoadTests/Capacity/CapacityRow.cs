namespace FastAV.Live.LoadTests.Capacity;

/// <summary>One arm's answer: the largest fleet it sustained, the ingest FLOPs ratio and p95 standing-answer latency (ms) at that level.</summary>
public sealed record CapacityRow(string Model, string Policy, int MaxStreams, double FlopsRatio, double P95Ms);
