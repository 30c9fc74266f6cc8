namespace FastAV.Live.Server.Evaluation;

/// <summary>One question of a held-out set: asked about stream <paramref name="Stream"/> right after window <paramref name="Window"/>.</summary>
public sealed record HeldOutQuestion(int Stream, string Family, string Text, string Answer, int Window)
{
    /// <summary>The oldest window the answer depends on (long streams; null when the set does not say).</summary>
    public int? EvidenceWindow { get; init; }
}
