namespace FastAV.Live.Server.Evaluation;

/// <summary>One question of a held-out set: asked about stream <paramref name="Stream"/> right after window <paramref name="Window"/>.</summary>
public sealed record HeldOutQuestion(int Stream, string Family, string Text, string Answer, int Window);
