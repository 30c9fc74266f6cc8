using Grpc.Core;

namespace FastAV.Live.Server.Hosting;

/// <summary>
/// The moment running calls must end: set once by <see cref="DrainService"/> after the drain delay. Calls watch
/// <see cref="CallsEnding"/>; a call that ends because of it ends with <see cref="RetryElsewhere"/>, and calls that
/// arrive after it are refused with the same status, so clients reopen on another server (Kubernetes has already
/// moved traffic away while health said NOT_SERVING).
/// </summary>
public sealed class ServerDrain : IDisposable
{
    public static readonly Status RetryElsewhere = new(StatusCode.Unavailable, "the server is shutting down; retry on another server");

    private readonly CancellationTokenSource _ending = new();

    public CancellationToken CallsEnding => _ending.Token;

    public bool IsEndingCalls => _ending.IsCancellationRequested;

    public void EndCalls()
    {
        if (!_ending.IsCancellationRequested)
        {
            _ending.Cancel();
        }
    }

    public void Dispose() => _ending.Dispose();
}
