namespace FastAV.Live.Server.Hosting;

/// <summary>
/// Decides whether a request may read a protected side-port endpoint (/metrics, /dashboard and its data). The
/// default (<see cref="OpenHttpSideAccess"/>) lets everyone in: the side port listens on loopback unless configured
/// otherwise. Authentication (API keys, client certificates) replaces it with one that checks the request's
/// credentials; a refusal may set its own status (401 or 403) and headers, otherwise the client gets 401.
/// </summary>
public interface IHttpSideAccess
{
    ValueTask<bool> AllowsAsync(HttpContext context);
}
