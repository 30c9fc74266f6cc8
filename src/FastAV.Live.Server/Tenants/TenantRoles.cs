namespace FastAV.Live.Server.Tenants;

/// <summary>
/// What a tenant's callers may do. Each call kind needs one role (<see cref="CallRoles"/>); <see cref="Admin"/> does not
/// grant a call kind, it widens what a call sees from the caller's own tenant to every tenant.
/// </summary>
[Flags]
public enum TenantRoles
{
    None = 0,

    /// <summary>Open Stream calls (media in, answers out) in the tenant.</summary>
    Stream = 1,

    /// <summary>Ask about the tenant's streams.</summary>
    Ask = 2,

    /// <summary>ListStreams and GetStream of the tenant's streams; /metrics and /dashboard with <see cref="Admin"/>.</summary>
    Read = 4,

    /// <summary>ListStreams sees every tenant; GetStream, Ask and ListStreams may name another tenant (x-fastav-tenant).</summary>
    Admin = 8,

    All = Stream | Ask | Read | Admin,
}
