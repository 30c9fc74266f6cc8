namespace FastAV.Live.Server.Evaluation;

/// <summary>One streaming setting measured over a long stream: accuracy (overall, recent, older) and what the cache held.</summary>
public sealed record StreamingRow
{
    public required string Eviction { get; init; }

    public required string Pruning { get; init; }

    public required string Budget { get; init; }

    public required int BudgetTokens { get; init; }

    /// <summary>BudgetTokens × bytes per token and layer × layers.</summary>
    public required long BudgetBytes { get; init; }

    public required double Accuracy { get; init; }

    /// <summary>Questions whose evidence lies in the last two windows (window − evidence_window ≤ 1); null when the set has no evidence windows.</summary>
    public required double? RecentAccuracy { get; init; }

    public required int RecentQuestions { get; init; }

    /// <summary>Questions whose evidence is older than the last two windows.</summary>
    public required double? OlderAccuracy { get; init; }

    public required int OlderQuestions { get; init; }

    public required IReadOnlyDictionary<string, double> FamilyAccuracy { get; init; }

    public required int Questions { get; init; }

    /// <summary>The most KV bytes after any window (max over streams).</summary>
    public required long MaxKvBytes { get; init; }

    /// <summary>KV bytes after the last window (mean over streams).</summary>
    public required long FinalKvBytes { get; init; }

    public required long EvictedRows { get; init; }

    /// <summary>Windows prefilled per second of prefill wall-clock (questions excluded).</summary>
    public required double WindowsPerSecond { get; init; }

    /// <summary>Mean wall-clock milliseconds to answer one question.</summary>
    public required double LatencyMs { get; init; }

    /// <summary>The greedy answer of every question, in the set's order (not written to the report).</summary>
    public required IReadOnlyList<string> Answers { get; init; }
}
