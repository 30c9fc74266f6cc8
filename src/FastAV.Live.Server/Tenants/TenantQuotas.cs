namespace FastAV.Live.Server.Tenants;

/// <summary>
/// A tenant's quotas from the tenants file; null = no limit of the tenant's own (the server-wide limits still apply).
/// Rates are token buckets: <c>…PerSecond</c> refills the bucket, the burst is its size.
/// </summary>
public sealed record TenantQuotas
{
    public static readonly TenantQuotas None = new();

    /// <summary>Streams of the tenant live at once ("maxStreams").</summary>
    public int? MaxStreams { get; init; }

    /// <summary>Standing questions per stream ("maxStandingQuestions").</summary>
    public int? MaxStandingQuestions { get; init; }

    /// <summary>Ask calls per second over all the tenant's callers ("maxAsksPerSecond").</summary>
    public double? MaxAsksPerSecond { get; init; }

    /// <summary>Ask calls allowed at once after a quiet spell ("askBurst"); default: max(1, one second's worth).</summary>
    public double? AskBurst { get; init; }

    /// <summary>Media payload bytes per second over all the tenant's streams ("maxMediaBytesPerSecond").</summary>
    public double? MaxMediaBytesPerSecond { get; init; }

    /// <summary>Media bytes allowed at once ("mediaBurstBytes"); default: two seconds' worth (a keyframe burst).</summary>
    public double? MediaBurstBytes { get; init; }
}
