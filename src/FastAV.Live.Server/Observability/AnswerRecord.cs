namespace FastAV.Live.Server.Observability;

/// <summary>One answer as the dashboard lists it (no question text: ids only).</summary>
public sealed record AnswerRecord(
    string QuestionId,
    string Text,
    bool Standing,
    uint TokenCount,
    double LatencyMs,
    double? FirstTokenMs,
    long SpanStartUs,
    long SpanEndUs,
    long AtUnixMs);
