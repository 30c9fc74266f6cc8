namespace FastAV.Live.Server.Evaluation;

/// <summary>One measured setting: exact-match accuracy overall and per question family, and what it cost.</summary>
public sealed record EvalRow
{
    public required string Policy { get; init; }

    public required string Setting { get; init; }

    /// <summary>Share of questions whose greedy answer equals the expected text, 0..1.</summary>
    public required double Accuracy { get; init; }

    public required IReadOnlyDictionary<string, double> FamilyAccuracy { get; init; }

    public required int Questions { get; init; }

    /// <summary>Decoder MACs of all window and question prefills and decodes, over the same work unpruned (the "none" row), measured in this run.</summary>
    public required double FlopsRatio { get; init; }

    /// <summary>Mean KV-cache bytes of a stream after its last window.</summary>
    public required long KvBytes { get; init; }

    /// <summary>Mean wall-clock milliseconds to answer one question (prefill over the cache and greedy decode).</summary>
    public required double LatencyMs { get; init; }

    /// <summary>Mean wall-clock milliseconds of one window prefill.</summary>
    public required double WindowPrefillMs { get; init; }
}
