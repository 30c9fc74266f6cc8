namespace FastAV.Live.LoadTests.Stats;

/// <summary>Bytes per request (sent + received) and the total.</summary>
public sealed record DataTransferStats(long MinBytes, long MeanBytes, long MaxBytes, long Percent50, long Percent75, long Percent95, long Percent99, double StdDev, long AllBytes);
