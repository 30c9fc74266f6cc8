using Grpc.Core;

namespace FastAV.Live.Server.Inference;

/// <summary>The statuses questions end with when the engine cannot answer them.</summary>
internal static class EngineStatuses
{
    public static Status StreamEnded(string streamId) =>
        new(StatusCode.Unavailable, $"stream {streamId} ended before the question was answered");

    public static Status ShuttingDown { get; } = new(StatusCode.Unavailable, "the server is shutting down; ask again on another instance");

    public static Status Failed(string message) => new(StatusCode.Internal, $"the engine failed on this question: {message}");

    /// <summary>A stream's own engine work failed: RESOURCE_EXHAUSTED when memory could not be allocated, else INTERNAL.</summary>
    public static Status StreamFailed(string streamId, string what, string message) =>
        new(IsAllocationFailure(message) ? StatusCode.ResourceExhausted : StatusCode.Internal,
            $"the engine failed on {what} of stream {streamId}: {message}; the stream is closed (other streams go on), open it again");

    // libtorch's allocators: "DefaultCPUAllocator: can't allocate memory: …", "CUDA out of memory. Tried to allocate …".
    private static bool IsAllocationFailure(string message) =>
        message.Contains("can't allocate memory", StringComparison.OrdinalIgnoreCase) || message.Contains("out of memory", StringComparison.OrdinalIgnoreCase);

    public static Status Cancelled { get; } = new(StatusCode.Cancelled, "the question was cancelled");

    public static Status NoMediaYet(string streamId) =>
        new(StatusCode.FailedPrecondition, $"no media yet: stream {streamId} has no window of media in its cache to answer from (a window is prefilled once its media is complete)");
}
