namespace FastAV.Live.Server.Hosting;

/// <summary>
/// Endpoint metadata: served on the HTTP side port only. <see cref="Protected"/> endpoints (/metrics, /dashboard)
/// pass <see cref="IHttpSideAccess"/>; probes (/healthz, /readyz) answer anyone, as the kubelet sends no credentials.
/// </summary>
public sealed class HttpSideEndpoint
{
    private HttpSideEndpoint(bool isProtected) => Protected = isProtected;

    public static HttpSideEndpoint Probe { get; } = new(false);

    public static HttpSideEndpoint Guarded { get; } = new(true);

    public bool Protected { get; }
}
