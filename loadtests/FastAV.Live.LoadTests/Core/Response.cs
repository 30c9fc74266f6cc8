namespace FastAV.Live.LoadTests;

/// <summary>
/// What a step or a scenario iteration returns (NBomber's Response): ok or fail, a status code, the bytes it
/// moved, a message, and optionally its own latency (e.g. a standing answer measured from the window's close
/// rather than from a call's start).
/// </summary>
public sealed record Response
{
    /// <summary>True for a failed request; ok and fail are counted apart everywhere.</summary>
    public bool IsError { get; init; }

    /// <summary>gRPC status name ("OK", "INVALID_ARGUMENT"), or <see cref="StatusCodes.Timeout"/> / <see cref="StatusCodes.ClientException"/>.</summary>
    public string StatusCode { get; init; } = StatusCodes.Ok;

    /// <summary>Bytes sent plus received for this request.</summary>
    public long SizeBytes { get; init; }

    public string Message { get; init; } = "";

    /// <summary>Custom latency in milliseconds; null = the time the step took.</summary>
    public double? LatencyMs { get; init; }

    public static Response Ok(string statusCode = StatusCodes.Ok, long sizeBytes = 0, string message = "", double? latencyMs = null) =>
        new() { StatusCode = statusCode, SizeBytes = sizeBytes, Message = message, LatencyMs = latencyMs };

    public static Response Fail(string statusCode = StatusCodes.ClientException, string message = "", long sizeBytes = 0, double? latencyMs = null) =>
        new() { IsError = true, StatusCode = statusCode, SizeBytes = sizeBytes, Message = message, LatencyMs = latencyMs };
}
