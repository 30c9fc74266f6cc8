namespace FastAV.Live.Engine;

/// <summary>How the engine runs a step and treats standing questions.</summary>
public sealed record LiveEngineOptions
{
    /// <summary>Score windows with the first standing question's last token instead of the separator.</summary>
    public bool QuestionAwarePruning { get; init; }

    /// <summary>Longest answer to a standing question.</summary>
    public int StandingAnswerMaxTokens { get; init; } = 16;

    public long? EndOfSequence { get; init; }

    /// <summary>Run each step's work across streams as one forward pass (token-level batching in the linear layers,
    /// attention per stream). Off: every answer token and window is its own forward (the comparison in benchmarks/engine).</summary>
    public bool BatchStreams { get; init; } = true;
}
