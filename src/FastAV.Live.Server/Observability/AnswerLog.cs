namespace FastAV.Live.Server.Observability;

/// <summary>
/// Log lines about answers. Without Logging:IncludeQuestionText they carry ids and numbers only (Debug); with it, the
/// question and the answer text are logged at Information — text a user typed or a model said about a camera is
/// personal data, so it stays out of the logs unless the operator asks for it.
/// </summary>
internal static partial class AnswerLog
{
    [LoggerMessage(EventId = 1950, Level = LogLevel.Debug, Message = "answer to {QuestionId} on stream {StreamId}: {TokenCount} tokens, {LatencyMs:F1} ms, standing {Standing}")]
    public static partial void Answered(ILogger logger, string questionId, string streamId, uint tokenCount, double latencyMs, bool standing);

    [LoggerMessage(EventId = 1951, Level = LogLevel.Information, Message = "answer to {QuestionId} on stream {StreamId}: question \"{Question}\" answered \"{Answer}\" ({TokenCount} tokens, {LatencyMs:F1} ms)")]
    public static partial void AnsweredWithText(ILogger logger, string questionId, string streamId, string question, string answer, uint tokenCount, double latencyMs);
}
