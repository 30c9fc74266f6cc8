namespace FastAV.Live.Benchmarks.Grpc;

/// <summary>Unary latency percentiles, in microseconds.</summary>
internal sealed record LatencyResult(string Server, int Calls, double P50Us, double P90Us, double P99Us, double CallsPerSecond);

/// <summary>Bidi streaming throughput for one message size.</summary>
internal sealed record ThroughputResult(string Server, int MessageBytes, int Messages, double MessagesPerSecond, double MegabytesPerSecond);
