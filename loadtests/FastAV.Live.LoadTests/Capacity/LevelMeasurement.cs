namespace FastAV.Live.LoadTests.Capacity;

/// <summary>What one level measured: standing-answer latency (ms), answers, windows, drops, missing answers, failed streams, ingest FLOPs ratio.</summary>
public sealed record LevelMeasurement(double P50Ms, double P95Ms, long Answers, long WindowsPrefilled, long WindowsDropped, long Missing, long StreamsFailed, double FlopsRatio);
