using System.Security.Cryptography.X509Certificates;
using Grpc.Core;
using Microsoft.Extensions.Primitives;

namespace FastAV.Live.Server.Tenants;

/// <summary>
/// Turns a request's credentials into a <see cref="Caller"/>, for gRPC calls (the auth interceptor) and HTTP requests
/// (<see cref="HttpCallerCheck"/>) alike. An "authorization: Bearer KEY" header decides when present (a bad key is
/// refused even if a client certificate would map); otherwise a client certificate (already chained to the configured
/// CA by Kestrel) mapped by the tenants file. Messages never contain the key.
/// </summary>
public sealed class CallerAuthenticator(TenantDirectory directory)
{
    public const string BearerScheme = "Bearer";

    /// <summary>OK with the caller, or UNAUTHENTICATED saying what is missing or wrong.</summary>
    public Status Authenticate(StringValues authorization, X509Certificate2? clientCertificate, out Caller? caller)
    {
        caller = null;
        var tenants = directory.Current;
        if (tenants is null)
        {
            caller = Caller.Open;
            return Status.DefaultSuccess;
        }

        if (authorization.Count > 1)
        {
            return Unauthenticated("more than one authorization header");
        }

        if (authorization.Count == 1)
        {
            var key = BearerToken(authorization.ToString());
            if (key is null)
            {
                return Unauthenticated($"the authorization header must be \"{BearerScheme} <API key>\"");
            }

            var tenant = tenants.FindByKey(key);
            if (tenant is null)
            {
                return Unauthenticated("unknown API key");
            }

            caller = new Caller(tenant, CallerCredential.ApiKey);
            return Status.DefaultSuccess;
        }

        if (clientCertificate is not null)
        {
            var matches = tenants.FindByCertificate(clientCertificate);
            switch (matches.Count)
            {
                case 1:
                    caller = new Caller(matches[0], CallerCredential.ClientCertificate);
                    return Status.DefaultSuccess;
                case 0:
                    return Unauthenticated($"the client certificate ({clientCertificate.Subject}) is not mapped to a tenant");
                default:
                    return Unauthenticated($"the client certificate ({clientCertificate.Subject}) maps to {matches.Count} tenants; the tenants file must name it once");
            }
        }

        return Unauthenticated($"no credentials: send metadata \"authorization: {BearerScheme} <API key>\" or connect with a client certificate");
    }

    /// <summary>OK, or PERMISSION_DENIED naming the role <paramref name="what"/> needs.</summary>
    public static Status Authorize(Caller caller, TenantRoles needed, string what)
    {
        ArgumentNullException.ThrowIfNull(caller);
        return caller.Tenant.Holds(needed)
            ? Status.DefaultSuccess
            : new Status(StatusCode.PermissionDenied, $"{what} needs role '{CallRoles.Names(needed)}'; tenant '{caller.Tenant.Name}' has {CallRoles.Names(caller.Tenant.Roles)}");
    }

    /// <summary>The token of "Bearer TOKEN" (scheme case-insensitive, RFC 9110 §11.1), or null.</summary>
    private static string? BearerToken(string header)
    {
        var trimmed = header.Trim();
        if (trimmed.Length <= BearerScheme.Length + 1 || !trimmed.StartsWith(BearerScheme, StringComparison.OrdinalIgnoreCase) || trimmed[BearerScheme.Length] != ' ')
        {
            return null;
        }

        var token = trimmed[(BearerScheme.Length + 1)..].Trim();
        return token.Length == 0 || token.Contains(' ', StringComparison.Ordinal) ? null : token;
    }

    private static Status Unauthenticated(string detail) => new(StatusCode.Unauthenticated, "authentication: " + detail);
}
