namespace FastAV.Live.Grpc.Client;

/// <summary>The response side of a server- or bidi-streaming call.</summary>
internal sealed class ClientResponseStream<TRequest, TResponse>(GrpcCall<TRequest, TResponse> call) : IAsyncStreamReader<TResponse>
{
    private TResponse? _current;
    private int _reading;

    public TResponse Current => _current ?? throw new InvalidOperationException("No current message: call MoveNext first.");

    public async Task<bool> MoveNext(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _reading, 1) == 1)
        {
            throw new InvalidOperationException("Can't read the next message because the previous read is still in progress.");
        }

        try
        {
            var (hasMessage, message) = await call.ReadResponseAsync(cancellationToken).ConfigureAwait(false);
            _current = hasMessage ? message : default;
            return hasMessage;
        }
        finally
        {
            Volatile.Write(ref _reading, 0);
        }
    }
}
