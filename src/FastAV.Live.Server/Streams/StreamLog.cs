using FastAV.Live.Contracts.V1;
using Microsoft.Extensions.Logging;

namespace FastAV.Live.Server.Streams;

/// <summary>
/// The operator's log lines about streams (category FastAV.Live.Server.Streams.StreamRegistry). Information: a stream
/// opened and closed, with what an operator needs to find it (id, peer, tracks, policy) and what it cost (duration,
/// windows, drops). Warning: what the server did to a stream (clock jumps re-based, windows dropped behind real time,
/// answers that failed). Debug: every other warning a client was sent. Never media bytes or question text.
/// </summary>
internal static partial class StreamLog
{
    [LoggerMessage(EventId = 1900, Level = LogLevel.Information,
        Message = "stream {StreamId} opened by {Peer}: video {Video}, audio {Audio}, model {Model}, pruning {Pruning}, KV {Eviction} {KvTokens} tokens/layer, window {WindowMs} ms, {StandingCount} standing question(s)")]
    public static partial void Opened(ILogger logger, string streamId, string peer, string video, string audio, string model, PruningPolicy pruning, KvEvictionPolicy eviction, uint kvTokens, uint windowMs, int standingCount);

    [LoggerMessage(EventId = 1901, Level = LogLevel.Information,
        Message = "stream {StreamId} closed ({Reason}) after {DurationSeconds:F1} s from {Peer}: media {MediaSeconds:F1} s, video {VideoAccepted} accepted / {VideoRejected} rejected, audio {AudioAccepted} / {AudioRejected}, windows {WindowsPrefilled} prefilled / {WindowsDropped} dropped, answers {AnswersSent} sent / {AnswersDropped} dropped, {Discontinuities} pts discontinuities, {DecodeErrors} decode errors")]
    public static partial void Closed(ILogger logger, string streamId, string reason, double durationSeconds, string peer, double mediaSeconds, long videoAccepted, long videoRejected, long audioAccepted, long audioRejected,
        ulong windowsPrefilled, ulong windowsDropped, long answersSent, long answersDropped, long discontinuities, long decodeErrors);

    [LoggerMessage(EventId = 1902, Level = LogLevel.Warning, Message = "stream {StreamId}: {Code}: {Detail}")]
    public static partial void ServerWarning(ILogger logger, string streamId, WarningCode code, string detail);

    [LoggerMessage(EventId = 1903, Level = LogLevel.Debug, Message = "stream {StreamId}: {Code}: {Detail}")]
    public static partial void ClientWarning(ILogger logger, string streamId, WarningCode code, string detail);

    [LoggerMessage(EventId = 1904, Level = LogLevel.Information, Message = "stream {StreamId} refused for {Peer}: {Code}: {Detail}")]
    public static partial void Refused(ILogger logger, string streamId, string peer, string code, string detail);

    /// <summary>A warning the client was sent, at the level its cause deserves.</summary>
    public static void Warning(ILogger logger, string streamId, WarningCode code, string detail)
    {
        if (code is WarningCode.PtsDiscontinuity or WarningCode.FramesDropped or WarningCode.AnswerFailed) ServerWarning(logger, streamId, code, detail);
        else ClientWarning(logger, streamId, code, detail);
    }
}
