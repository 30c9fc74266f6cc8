namespace FastAV.Live.Engine.Scheduling;

/// <summary>One device step: answers first (decode steps, then question prefills), then window prefills.</summary>
public sealed record ScheduledBatch
{
    public required IReadOnlyList<QuestionWork> DecodeSteps { get; init; }

    public required IReadOnlyList<QuestionWork> QuestionPrefills { get; init; }

    public required IReadOnlyList<WindowWork> WindowPrefills { get; init; }

    /// <summary>Windows dropped before this step because their streams were behind.</summary>
    public int DroppedWindowCount { get; init; }

    public int TokenCount => DecodeSteps.Count + QuestionPrefills.Sum(q => q.TokenCount) + WindowPrefills.Sum(w => w.Window.TokenCount);

    public bool IsEmpty => DecodeSteps.Count == 0 && QuestionPrefills.Count == 0 && WindowPrefills.Count == 0;
}
