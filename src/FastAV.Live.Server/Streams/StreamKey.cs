namespace FastAV.Live.Server.Streams;

/// <summary>
/// What names a stream on this server: its tenant and its id. Ids are unique per tenant, so every lookup (open, Ask,
/// GetStream, resume) goes through the key, and a tenant can never reach another's stream by guessing its id.
/// Ordered by tenant, then id (ordinal).
/// </summary>
public readonly record struct StreamKey(string Tenant, string StreamId) : IComparable<StreamKey>
{
    /// <summary>The stream <paramref name="streamId"/> of the one tenant of a server without a tenants file.</summary>
    public static StreamKey Default(string streamId) => new(FastAV.Live.Server.Tenants.Tenant.DefaultName, streamId);

    /// <summary>
    /// The stream's name inside the engine, unique across tenants: the id alone in the default tenant (a server without
    /// a tenants file reads as before), "tenant/id" otherwise ('/' is in no identifier, so no two keys share one).
    /// </summary>
    public string QualifiedId => Tenant == FastAV.Live.Server.Tenants.Tenant.DefaultName ? StreamId : ToString();

    public int CompareTo(StreamKey other)
    {
        var byTenant = string.CompareOrdinal(Tenant, other.Tenant);
        return byTenant != 0 ? byTenant : string.CompareOrdinal(StreamId, other.StreamId);
    }

    public override string ToString() => $"{Tenant}/{StreamId}";

    public static bool operator <(StreamKey left, StreamKey right) => left.CompareTo(right) < 0;

    public static bool operator >(StreamKey left, StreamKey right) => left.CompareTo(right) > 0;

    public static bool operator <=(StreamKey left, StreamKey right) => left.CompareTo(right) <= 0;

    public static bool operator >=(StreamKey left, StreamKey right) => left.CompareTo(right) >= 0;
}
