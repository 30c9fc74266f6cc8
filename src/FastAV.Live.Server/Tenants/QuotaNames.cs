namespace FastAV.Live.Server.Tenants;

/// <summary>The quotas by the names refusals, metrics and the README use.</summary>
public static class QuotaNames
{
    public const string MaxStreams = "max_streams";
    public const string MaxStandingQuestions = "max_standing_questions";
    public const string AsksPerSecond = "asks_per_second";
    public const string MediaBytesPerSecond = "media_bytes_per_second";

    public static readonly IReadOnlyList<string> All = [MaxStreams, MaxStandingQuestions, AsksPerSecond, MediaBytesPerSecond];
}
