namespace FastAV.Live.Grpc;

/// <summary>
/// Server-wide shutdown signal for calls: once begun, every running call's token is canceled and the
/// call ends with UNAVAILABLE ("retry on another server"), so long-lived streams do not hold shutdown up.
/// </summary>
public sealed class GrpcServerLifetime : IDisposable
{
    private readonly CancellationTokenSource _shutdown = new();

    public CancellationToken ShuttingDown => _shutdown.Token;

    public bool IsShuttingDown => _shutdown.IsCancellationRequested;

    public void BeginShutdown()
    {
        if (!_shutdown.IsCancellationRequested)
        {
            _shutdown.Cancel();
        }
    }

    public void Dispose() => _shutdown.Dispose();
}
