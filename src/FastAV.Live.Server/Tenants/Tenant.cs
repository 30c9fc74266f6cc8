namespace FastAV.Live.Server.Tenants;

/// <summary>A tenant as the tenants file defines it: its name (owner of its streams), roles and quotas.</summary>
public sealed record Tenant(string Name, TenantRoles Roles, TenantQuotas Quotas)
{
    /// <summary>The one tenant of a server without a tenants file.</summary>
    public const string DefaultName = "default";

    /// <summary>
    /// Every caller of a server without a tenants file: every call kind, no quotas of its own. Not admin: that server
    /// has this one tenant, and naming another (x-fastav-tenant) is refused.
    /// </summary>
    public static readonly Tenant Open = new(DefaultName, TenantRoles.Stream | TenantRoles.Ask | TenantRoles.Read, TenantQuotas.None);

    public bool Holds(TenantRoles roles) => (Roles & roles) == roles;
}
