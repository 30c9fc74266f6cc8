using Grpc.Core;

namespace FastAV.Live.Server.Streams;

/// <summary>The statuses LiveAnalytics ends calls with; messages start with the field they are about.</summary>
public static class LiveStatuses
{
    /// <summary>Questions before the engine exists: the call ends with this (no invented answers).</summary>
    public static readonly Status NoModelLoaded = new(StatusCode.FailedPrecondition, "no model loaded: the server runs ingest only, questions cannot be answered");

    public static Status Invalid(string field, string detail) => new(StatusCode.InvalidArgument, $"{field}: {detail}");

    public static Status NotFound(string field, string detail) => new(StatusCode.NotFound, $"{field}: {detail}");

    public static Status Exhausted(string field, string detail) => new(StatusCode.ResourceExhausted, $"{field}: {detail}");

    public static Status AlreadyExists(string field, string detail) => new(StatusCode.AlreadyExists, $"{field}: {detail}");

    public static bool IsOk(this Status status) => status.StatusCode == StatusCode.OK;
}
