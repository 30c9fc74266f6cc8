using System.Diagnostics;
using FastAV.Live.LoadTests.Streaming;

namespace FastAV.Live.LoadTests.Scenarios;

/// <summary>A copy's camera held in its data: disposing it (the copy ended) closes the stream gracefully and records the "close" step.</summary>
internal sealed class CameraCopy(CameraStream stream, ScenarioContext context) : IAsyncDisposable
{
    public CameraStream Stream { get; } = stream;

    public async ValueTask DisposeAsync()
    {
        var start = Stopwatch.GetTimestamp();
        var response = await Stream.CloseAsync(graceful: true).ConfigureAwait(false);
        if (!context.IsWarmUp) Step.Record("close", context, response, Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        await Stream.DisposeAsync().ConfigureAwait(false);
    }
}
