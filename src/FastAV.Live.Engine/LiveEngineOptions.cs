namespace FastAV.Live.Engine;

/// <summary>How the engine treats standing questions.</summary>
public sealed record LiveEngineOptions
{
    /// <summary>Score windows with the first standing question's last token instead of the separator.</summary>
    public bool QuestionAwarePruning { get; init; }

    /// <summary>Longest answer to a standing question.</summary>
    public int StandingAnswerMaxTokens { get; init; } = 16;

    public long? EndOfSequence { get; init; }
}
