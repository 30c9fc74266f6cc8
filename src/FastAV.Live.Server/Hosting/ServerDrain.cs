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
    private readonly Lock _gate = new();
    private TaskCompletionSource? _allEnded;
    private int _running;

    public CancellationToken CallsEnding => _ending.Token;

    public bool IsEndingCalls => _ending.IsCancellationRequested;

    /// <summary>Calls running now (counted by the drain interceptor).</summary>
    public int RunningCalls => Volatile.Read(ref _running);

    public void EndCalls()
    {
        if (!_ending.IsCancellationRequested)
        {
            _ending.Cancel();
        }
    }

    public void CallStarted() => Interlocked.Increment(ref _running);

    public void CallEnded()
    {
        if (Interlocked.Decrement(ref _running) == 0)
        {
            lock (_gate)
            {
                _allEnded?.TrySetResult();
            }
        }
    }

    /// <summary>Completes when no call is running (at once if none is).</summary>
    public Task AllCallsEndedAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (Volatile.Read(ref _running) == 0)
            {
                return Task.CompletedTask;
            }

            _allEnded ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _allEnded.Task.WaitAsync(cancellationToken);
        }
    }

    public void Dispose() => _ending.Dispose();
}
