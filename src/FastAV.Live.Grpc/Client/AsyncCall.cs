using FastAV.Live.Grpc.Client;

namespace FastAV.Live.Grpc;

/// <summary>The part of a call handle shared by the four kinds: response headers, final status and trailers, cancellation by Dispose.</summary>
public abstract class AsyncCall : IDisposable
{
    private readonly IClientCall _call;

    private protected AsyncCall(IClientCall call) => _call = call;

    /// <summary>The server's response headers (custom metadata only).</summary>
    public Task<Metadata> ResponseHeadersAsync => _call.ResponseHeadersAsync;

    /// <summary>The final status; throws InvalidOperationException while the call is still running.</summary>
    public Status GetStatus() => _call.GetStatus();

    /// <summary>The server's trailers; throws InvalidOperationException while the call is still running.</summary>
    public Metadata GetTrailers() => _call.GetTrailers();

    /// <summary>Cancels the call if it is still running (the stream is reset) and frees its resources.</summary>
    public void Dispose()
    {
        _call.Dispose();
        GC.SuppressFinalize(this);
    }
}
