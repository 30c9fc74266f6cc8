using Grpc.Core;

namespace FastAV.Live.Server.Inference;

/// <summary>The statuses questions end with when the engine cannot answer them.</summary>
internal static class EngineStatuses
{
    public static Status StreamEnded(string streamId) =>
        new(StatusCode.Unavailable, $"stream {streamId} ended before the question was answered");

    public static Status ShuttingDown { get; } = new(StatusCode.Unavailable, "the server is shutting down; ask again on another instance");

    public static Status Failed(string message) => new(StatusCode.Internal, $"the engine failed on this question: {message}");

    public static Status Cancelled { get; } = new(StatusCode.Cancelled, "the question was cancelled");

    public static Status NoMediaYet(string streamId) =>
        new(StatusCode.FailedPrecondition, $"no media yet: stream {streamId} has no window of media in its cache to answer from (a window is prefilled once its media is complete)");
}
