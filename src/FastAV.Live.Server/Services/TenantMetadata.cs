using FastAV.Live.Server.Streams;
using FastAV.Live.Server.Tenants;
using Grpc.Core;

namespace FastAV.Live.Server.Services;

/// <summary>
/// Which tenant's streams a call acts on. By default the caller's own. An admin (role "admin") may name another with
/// metadata x-fastav-tenant on Ask, GetStream and ListStreams, and without it ListStreams lists every tenant. A caller
/// naming another tenant without being an admin gets PERMISSION_DENIED; a Stream call always opens in the caller's own.
/// </summary>
public static class TenantMetadata
{
    public const string Key = "x-fastav-tenant";

    /// <summary>The header's value, read from the HTTP request (see <see cref="StreamIdMetadata.Of"/> for why).</summary>
    public static string? Of(ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var values = context.GetHttpContext().Request.Headers[Key];
        return values.Count == 0 ? null : values.ToString();
    }

    /// <summary>
    /// For Ask, GetStream and ListStreams: OK with the tenant to act on — the caller's, the named one (admins), or null
    /// for every tenant (an admin's ListStreams without the header, <paramref name="listing"/> true). PERMISSION_DENIED
    /// when a non-admin names another tenant, INVALID_ARGUMENT when the name is not an identifier.
    /// </summary>
    public static Status ForQuery(Caller caller, string? named, bool listing, out string? tenant)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var admin = caller.Tenant.Holds(TenantRoles.Admin);
        tenant = caller.Tenant.Name;
        if (string.IsNullOrEmpty(named))
        {
            tenant = listing && admin ? null : tenant;
            return Status.DefaultSuccess;
        }

        var status = Check(caller, named, admin);
        if (status.StatusCode == StatusCode.OK)
        {
            tenant = named;
        }

        return status;
    }

    /// <summary>For Stream: the header may only name the caller's own tenant (a stream always opens there).</summary>
    public static Status ForStream(Caller caller, string? named)
    {
        ArgumentNullException.ThrowIfNull(caller);
        return string.IsNullOrEmpty(named) ? Status.DefaultSuccess : Check(caller, named, admin: false);
    }

    private static Status Check(Caller caller, string named, bool admin)
    {
        if (IdentifierRules.Check(named, IdentifierRules.MaxLength) is { } problem)
        {
            return LiveStatuses.Invalid($"metadata {Key}", problem);
        }

        return named == caller.Tenant.Name || admin
            ? Status.DefaultSuccess
            : new Status(StatusCode.PermissionDenied, $"metadata {Key} names another tenant; only a tenant with role 'admin' may read or ask about other tenants' streams, and a stream always opens in the caller's own tenant");
    }
}
