namespace FastAV.Live.LoadTests.Stats;

/// <summary>Latency in milliseconds: min/mean/max/stddev exact, percentiles from an HdrHistogram at microsecond resolution (3 significant digits).</summary>
public sealed record LatencyStats(double MinMs, double MeanMs, double MaxMs, double Percent50, double Percent75, double Percent95, double Percent99, double StdDev, LatencyCount LatencyCount);
