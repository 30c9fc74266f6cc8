namespace FastAV.Live.LoadTests.Stats;

/// <summary>The ok or the fail half of a step's or scenario's requests.</summary>
public sealed record MeasurementStats(RequestStats Request, LatencyStats Latency, DataTransferStats DataTransfer, IReadOnlyList<StatusCodeStats> StatusCodes);
