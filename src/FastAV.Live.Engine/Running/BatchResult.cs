namespace FastAV.Live.Engine.Running;

/// <summary>What one batched forward did, in the order the work was given.</summary>
public sealed record BatchResult
{
    /// <summary>Per answer step: null when it produced its token (now the answer's last), else why it failed.</summary>
    public required IReadOnlyList<Exception?> AnswerFailures { get; init; }

    /// <summary>Per window: its prefill, or null when it failed.</summary>
    public required IReadOnlyList<PrefillResult?> Prefills { get; init; }

    /// <summary>Per window: null when it was prefilled, else why it failed (the stream's cache is as before).</summary>
    public required IReadOnlyList<Exception?> PrefillFailures { get; init; }

    /// <summary>Forward passes through the decoder: 1 for a batch, more when a shared failure made its work run alone.</summary>
    public int ForwardPasses { get; init; }
}
