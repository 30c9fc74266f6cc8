using System.Diagnostics;

namespace FastAV.Live.LoadTests;

/// <summary>
/// A named, measured piece of an iteration (NBomber's Step.Run). Exceptions become failed responses with their
/// status code (a gRPC status by name, −100 for timeouts and deadlines, −101 for anything else), so a step never
/// throws into the scenario — except when the test is being cancelled.
/// </summary>
public static class Step
{
    public static async Task<Response> Run(string name, ScenarioContext context, Func<Task<Response>> run)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(run);

        // The first step of an open-model copy is timed from the scheduled arrival, not from when it got to run.
        var start = context.ScheduledTimestamp ?? Stopwatch.GetTimestamp();
        context.ScheduledTimestamp = null;
        Response response;
        try
        {
            response = await run().ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            response = StatusCodes.FromException(e);
        }

        var latencyMs = response.LatencyMs ?? Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        context.Stats.RecordStep(name, response, latencyMs);
        return response;
    }

    /// <summary>Records a measurement that arrived on its own (a standing answer read from a stream) as a step of the scenario.</summary>
    public static void Record(string name, ScenarioContext context, Response response, double latencyMs)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(response);
        context.Stats.RecordStep(name, response, response.LatencyMs ?? latencyMs);
    }
}
