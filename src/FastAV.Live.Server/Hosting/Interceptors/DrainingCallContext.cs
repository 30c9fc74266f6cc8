using Grpc.Core;

namespace FastAV.Live.Server.Hosting.Interceptors;

/// <summary>
/// The library's call context with one change: its token is also cancelled when the server ends calls
/// (<see cref="ServerDrain.CallsEnding"/>), so every handler that honours its token ends on drain. Everything
/// else is the library's context; the HttpContext stays reachable through <c>GetHttpContext()</c>.
/// </summary>
internal sealed class DrainingCallContext : ServerCallContext, IDisposable
{
    // Grpc.AspNetCore finds the HttpContext of a replaced context under this UserState key (ServerCallContextExtensions).
    private const string HttpContextKey = "__HttpContext";

    private readonly ServerCallContext _inner;
    private readonly CancellationTokenSource _token;

    public DrainingCallContext(ServerCallContext inner, CancellationToken callsEnding)
    {
        _inner = inner;
        _token = CancellationTokenSource.CreateLinkedTokenSource(inner.CancellationToken, callsEnding);
        if (!inner.UserState.ContainsKey(HttpContextKey))
        {
            inner.UserState[HttpContextKey] = inner.GetHttpContext();
        }
    }

    protected override string MethodCore => _inner.Method;

    protected override string HostCore => _inner.Host;

    protected override string PeerCore => _inner.Peer;

    protected override DateTime DeadlineCore => _inner.Deadline;

    protected override Metadata RequestHeadersCore => _inner.RequestHeaders;

    protected override CancellationToken CancellationTokenCore => _token.Token;

    protected override Metadata ResponseTrailersCore => _inner.ResponseTrailers;

    protected override Status StatusCore
    {
        get => _inner.Status;
        set => _inner.Status = value;
    }

    protected override WriteOptions? WriteOptionsCore
    {
        get => _inner.WriteOptions;
        set => _inner.WriteOptions = value;
    }

    protected override AuthContext AuthContextCore => _inner.AuthContext;

    protected override IDictionary<object, object> UserStateCore => _inner.UserState;

    protected override ContextPropagationToken CreatePropagationTokenCore(ContextPropagationOptions? options) => _inner.CreatePropagationToken(options);

    protected override Task WriteResponseHeadersAsyncCore(Metadata responseHeaders) => _inner.WriteResponseHeadersAsync(responseHeaders);

    public void Dispose() => _token.Dispose();
}
