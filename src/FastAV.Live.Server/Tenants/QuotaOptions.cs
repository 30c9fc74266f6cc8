namespace FastAV.Live.Server.Tenants;

/// <summary>
/// Server-wide quotas (configuration section "Quotas"), applied to all tenants together on top of each tenant's own
/// (the tenants file). Concurrent streams and standing questions per stream are LiveAnalytics:MaxConcurrentStreams and
/// LiveAnalytics:MaxStandingQuestions. Zero = no server-wide limit.
/// </summary>
public sealed class QuotaOptions
{
    public const string SectionName = "Quotas";

    /// <summary>Ask calls per second over the whole server (token bucket refill). Default 0: no limit.</summary>
    public double MaxAsksPerSecond { get; set; }

    /// <summary>Ask calls at once after a quiet spell (bucket size); 0 = max(1, one second's worth). Default 0.</summary>
    public double AskBurst { get; set; }

    /// <summary>Media payload bytes per second over the whole server. Default 0: no limit.</summary>
    public double MaxMediaBytesPerSecond { get; set; }

    /// <summary>Media bytes at once (bucket size); 0 = two seconds' worth. Default 0.</summary>
    public double MediaBurstBytes { get; set; }

    /// <summary>The retry delay a max_streams refusal suggests (RetryInfo, retry-after-ms): nothing predicts when a stream ends, so this is back-off advice. Default 5 s.</summary>
    public TimeSpan StreamRetryDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Throws with a message naming the bad setting.</summary>
    public void Validate()
    {
        Check(nameof(MaxAsksPerSecond), MaxAsksPerSecond, 0, 1_000_000);
        Check(nameof(AskBurst), AskBurst, 0, 1_000_000);
        Check(nameof(MaxMediaBytesPerSecond), MaxMediaBytesPerSecond, 0, 1e12);
        Check(nameof(MediaBurstBytes), MediaBurstBytes, 0, 1e13);
        if (AskBurst is > 0 and < 1)
        {
            throw new InvalidOperationException($"{SectionName}:{nameof(AskBurst)} must be 0 (default) or at least 1, got {AskBurst}.");
        }

        if (StreamRetryDelay < TimeSpan.Zero || StreamRetryDelay > TimeSpan.FromHours(1))
        {
            throw new InvalidOperationException($"{SectionName}:{nameof(StreamRetryDelay)} must be in [0, 01:00:00], got {StreamRetryDelay}.");
        }
    }

    /// <summary>The ask bucket's size for a rate and an optional burst.</summary>
    public static double AskCapacity(double rate, double? burst) => burst is > 0 ? burst.Value : Math.Max(1, rate);

    /// <summary>The media bucket's size for a rate and an optional burst.</summary>
    public static double MediaCapacity(double rate, double? burst) => burst is > 0 ? burst.Value : Math.Max(1, 2 * rate);

    private static void Check(string name, double value, double min, double max)
    {
        if (!(value >= min && value <= max))
        {
            throw new InvalidOperationException($"{SectionName}:{name} must be in [{min}, {max}], got {value}.");
        }
    }
}
