namespace FastAV.Live.Server.Hosting;

/// <summary>
/// Decides whether a request may read a protected side-port endpoint (/metrics, /dashboard and its data). The
/// registered one (Tenants.HttpCallerCheck) asks the credentials of the API when a tenants file is configured and lets
/// everyone in otherwise (the side port listens on loopback unless configured otherwise); a refusal sets its status
/// (401 or 403) and headers, otherwise the client gets 401.
/// </summary>
public interface IHttpSideAccess
{
    ValueTask<bool> AllowsAsync(HttpContext context);
}
