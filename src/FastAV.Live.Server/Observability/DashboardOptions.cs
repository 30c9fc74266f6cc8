namespace FastAV.Live.Server.Observability;

/// <summary>The live dashboard (/dashboard on the HTTP side port; configuration section "Dashboard").</summary>
public sealed class DashboardOptions
{
    public const string SectionName = "Dashboard";

    /// <summary>How often the page gets a fresh state over server-sent events. Default 1 s.</summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Latest answers kept per stream for the page. Default 10.</summary>
    public int AnswersPerStream { get; set; } = 10;

    /// <summary>KV-memory samples kept per stream (one per prefilled window) for its chart. Default 120.</summary>
    public int KvSamplesPerStream { get; set; } = 120;

    public List<string> Validate()
    {
        var failures = new List<string>();
        if (RefreshInterval < TimeSpan.FromMilliseconds(100) || RefreshInterval > TimeSpan.FromMinutes(1))
        {
            failures.Add($"Dashboard:RefreshInterval ({RefreshInterval}) must be between 00:00:00.1 and 00:01:00.");
        }

        if (AnswersPerStream is < 1 or > 1000)
        {
            failures.Add($"Dashboard:AnswersPerStream ({AnswersPerStream}) must be between 1 and 1000.");
        }

        if (KvSamplesPerStream is < 2 or > 10000)
        {
            failures.Add($"Dashboard:KvSamplesPerStream ({KvSamplesPerStream}) must be between 2 and 10000.");
        }

        return failures;
    }
}
