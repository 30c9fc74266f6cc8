namespace FastAV.Live.Server.Tenants;

/// <summary>
/// The role each gRPC method needs. grpc.health.v1 needs none and no credential (load balancers and Kubernetes probe
/// it); server reflection is anonymous too unless Auth:AnonymousReflection is false (it serves only the public
/// contract, and grpcurl needs it to call health); LiveAnalytics' calls need their role; anything else needs a valid
/// credential only.
/// </summary>
public static class CallRoles
{
    public const string HealthService = "/grpc.health.v1.Health/";

    private const string LiveAnalytics = "/fastav.live.v1.LiveAnalytics/";

    private static readonly string[] ReflectionServices = ["/grpc.reflection.v1.ServerReflection/", "/grpc.reflection.v1alpha.ServerReflection/"];

    /// <summary>Null: anonymous. <see cref="TenantRoles.None"/>: any authenticated caller. Else the role the call needs.</summary>
    public static TenantRoles? For(string method, bool anonymousReflection = true)
    {
        ArgumentNullException.ThrowIfNull(method);
        if (method.StartsWith(HealthService, StringComparison.Ordinal))
        {
            return null;
        }

        if (ReflectionServices.Any(r => method.StartsWith(r, StringComparison.Ordinal)))
        {
            return anonymousReflection ? null : TenantRoles.None;
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
