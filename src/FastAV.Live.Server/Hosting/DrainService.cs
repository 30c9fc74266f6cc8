namespace FastAV.Live.Server.Hosting;

/// <summary>
/// The drain sequence on SIGTERM (or any host stop), before the listeners close: health turns NOT_SERVING, calls are
/// still served for Server:DrainDelay (load balancers and Kubernetes move traffic away), then every running call
/// ends with UNAVAILABLE "retry on another server" (<see cref="ServerDrain"/>) — Stream calls after their final
/// StreamStats — instead of holding shutdown up until Kestrel aborts them. Once they have ended, connections stay open
/// for Server:CloseDelay: a client whose duplex call is still sending has its last messages and status in its buffers,
/// and .NET's HttpClient fails such a call ("the server closed the connection") if the connection closes before it
/// read them. Kestrel then stops within what is left of the host's shutdown timeout.
/// </summary>
internal sealed partial class DrainService(ServerHealth health, ServerDrain drain, ServerOptions options, ILogger<DrainService> logger) : IHostedLifecycleService
{
    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        health.StopServing();
        LogDraining(logger, options.DrainDelay);
        if (options.DrainDelay > TimeSpan.Zero)
        {
            try
            {
                await Task.Delay(options.DrainDelay, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // The host's shutdown timeout ran out first: end the calls now.
            }
        }

        LogEndingCalls(logger, drain.RunningCalls);
        drain.EndCalls();
        try
        {
            await drain.AllCallsEndedAsync(cancellationToken).ConfigureAwait(false);
            if (options.CloseDelay > TimeSpan.Zero)
            {
                await Task.Delay(options.CloseDelay, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // Out of shutdown time: Kestrel closes what is left.
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Draining: health is NOT_SERVING; calls are still served for {DrainDelay}")]
    private static partial void LogDraining(ILogger logger, TimeSpan drainDelay);

    [LoggerMessage(Level = LogLevel.Information, Message = "Draining: {RunningCalls} running call(s) end with UNAVAILABLE (retry on another server)")]
    private static partial void LogEndingCalls(ILogger logger, int runningCalls);
}
