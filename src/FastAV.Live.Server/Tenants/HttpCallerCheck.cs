using FastAV.Live.Server.Hosting;
using Grpc.Core;
using Microsoft.AspNetCore.Http;

namespace FastAV.Live.Server.Tenants;

/// <summary>
/// The check plain-HTTP endpoints call (the side port's /metrics and /dashboard): the same credentials as gRPC calls
/// ("authorization: Bearer KEY", or a client certificate on a TLS listener). 200 when allowed (always on a server
/// without a tenants file), 401 with "WWW-Authenticate: Bearer" without a valid credential, 403 without the roles. Those endpoints
/// show every tenant, so they ask for <see cref="ServerViews"/>: this is the side port's <see cref="IHttpSideAccess"/>.
/// </summary>
public sealed class HttpCallerCheck(CallerAuthenticator authenticator) : IHttpSideAccess
{
    /// <summary>What a view over every tenant needs: read, across tenants.</summary>
    public const TenantRoles ServerViews = TenantRoles.Read | TenantRoles.Admin;

    /// <summary>The HTTP status the request gets (200, 401, 403), the reason when refused, and the caller when known.</summary>
    public (int StatusCode, string Reason, Caller? Caller) Check(HttpContext context, TenantRoles needed)
    {
        ArgumentNullException.ThrowIfNull(context);
        var status = authenticator.Authenticate(context.Request.Headers.Authorization, context.Connection.ClientCertificate, out var caller);
        if (status.StatusCode != StatusCode.OK)
        {
            return (StatusCodes.Status401Unauthorized, status.Detail, null);
        }

        if (caller!.Credential == CallerCredential.None)
        {
            // No tenants file: the server is open, its HTTP views too.
            return (StatusCodes.Status200OK, "", caller);
        }

        status = CallerAuthenticator.Authorize(caller, needed, $"{context.Request.Method} {context.Request.Path}");
        return status.StatusCode == StatusCode.OK ? (StatusCodes.Status200OK, "", caller) : (StatusCodes.Status403Forbidden, status.Detail, caller);
    }

    /// <summary>Checks and, when refused, writes the refusal (status, WWW-Authenticate on 401, the reason as text); true when the endpoint may answer.</summary>
    public async Task<bool> AllowAsync(HttpContext context, TenantRoles needed)
    {
        ArgumentNullException.ThrowIfNull(context);
        var (code, reason, _) = Check(context, needed);
        if (code == StatusCodes.Status200OK)
        {
            return true;
        }

        context.Response.StatusCode = code;
        if (code == StatusCodes.Status401Unauthorized)
        {
            context.Response.Headers.WWWAuthenticate = CallerAuthenticator.BearerScheme;
        }

        context.Response.ContentType = "text/plain; charset=utf-8";
        await context.Response.WriteAsync(reason + "\n", context.RequestAborted).ConfigureAwait(false);
        return false;
    }

    /// <summary>The side port's protected endpoints (/metrics, /dashboard) show every tenant: <see cref="ServerViews"/>.</summary>
    public ValueTask<bool> AllowsAsync(HttpContext context) => new(AllowAsync(context, ServerViews));
}
