namespace FastAV.Live.Server.Tenants;

/// <summary>
/// The role each gRPC method needs. grpc.health.v1 needs none and no credential (load balancers and Kubernetes probe
/// it); LiveAnalytics' calls need their role; anything else (server reflection) needs a valid credential only.
/// </summary>
public static class CallRoles
{
    public const string HealthService = "/grpc.health.v1.Health/";

    private const string LiveAnalytics = "/fastav.live.v1.LiveAnalytics/";

    /// <summary>Null: anonymous. <see cref="TenantRoles.None"/>: any authenticated caller. Else the role the call needs.</summary>
    public static TenantRoles? For(string method)
    {
        ArgumentNullException.ThrowIfNull(method);
        if (method.StartsWith(HealthService, StringComparison.Ordinal))
        {
            return null;
        }

        return method switch
        {
            LiveAnalytics + "Stream" => TenantRoles.Stream,
            LiveAnalytics + "Ask" => TenantRoles.Ask,
            LiveAnalytics + "ListStreams" or LiveAnalytics + "GetStream" => TenantRoles.Read,
            _ => TenantRoles.None,
        };
    }

    /// <summary>The roles' names as the tenants file spells them ("stream", "read, admin").</summary>
    public static string Names(TenantRoles roles) =>
        roles == TenantRoles.None ? "none" : string.Join(", ", Enum.GetValues<TenantRoles>().Where(r => r is not (TenantRoles.None or TenantRoles.All) && roles.HasFlag(r)).Select(r => r.ToString().ToLowerInvariant()));
}
