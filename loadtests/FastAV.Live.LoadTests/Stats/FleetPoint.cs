namespace FastAV.Live.LoadTests.Stats;

/// <summary>The fleet at one moment: copies running, live streams, KV bytes (sum over streams and mean per stream, from StreamStats), server RSS (−1 when unknown).</summary>
public sealed record FleetPoint(TimeSpan At, int Copies, int LiveStreams, long KvBytes, double KvBytesPerStream, long ServerRssBytes);
