namespace FastAV.Live.Grpc.Server;

/// <summary>The request messages of a client- or bidi-streaming call.</summary>
internal sealed class ServerRequestStream<T>(ServerCall call, Marshaller<T> marshaller) : IAsyncStreamReader<T>
{
    private T? _current;
    private bool _reading;

    public T Current => _current ?? throw new InvalidOperationException("No current message: call MoveNext first.");

    public async Task<bool> MoveNext(CancellationToken cancellationToken = default)
    {
        if (_reading)
        {
            throw new InvalidOperationException("Can't read the next message because the previous read is still in progress.");
        }

        _reading = true;
        try
        {
            var (hasMessage, message) = await call.ReadMessageAsync(marshaller, cancellationToken).ConfigureAwait(false);
            _current = hasMessage ? message : default;
            return hasMessage;
        }
        finally
        {
            _reading = false;
        }
    }
}
