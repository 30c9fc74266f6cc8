namespace FastAV.Live.LoadTests.Streaming;

/// <summary>A question the clip's scenes answer (from the world generator's sidecar), or a generic one for a user's own file.</summary>
public sealed record ClipQuestion(string Text, string Family);
