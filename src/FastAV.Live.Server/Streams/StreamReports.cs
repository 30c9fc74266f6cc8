using FastAV.Live.Contracts.V1;

namespace FastAV.Live.Server.Streams;

/// <summary>Projects a <see cref="LiveStream"/> onto the contract's StreamStats and StreamInfo messages.</summary>
public static class StreamReports
{
    public static StreamStats Stats(LiveStream stream, long uptimeMs, bool final)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var counters = stream.Counters;
        var stats = new StreamStats
        {
            VideoFramesAccepted = (ulong)counters.VideoFramesAccepted,
            VideoFramesRejected = (ulong)counters.VideoFramesRejected,
            AudioChunksAccepted = (ulong)counters.AudioChunksAccepted,
            AudioChunksRejected = (ulong)counters.AudioChunksRejected,
            MediaBytesReceived = (ulong)counters.MediaBytesReceived,
            QuestionsReceived = (ulong)counters.QuestionsReceived,
            StandingQuestions = (uint)stream.StandingQuestionCount,
            AnswersSent = (ulong)counters.AnswersSent,
            LastVideoPtsUs = counters.LastVideoPtsUs,
            LastAudioPtsUs = counters.LastAudioPtsUs,
            MediaDurationUs = counters.MediaDurationUs,
            UnknownMessages = (ulong)counters.UnknownMessages,
            WarningsSuppressed = (ulong)counters.WarningsSuppressed,
            UptimeMs = uptimeMs,
            RequestsReceived = (ulong)counters.RequestsReceived,
            Final = final,
            DecodeErrors = (ulong)counters.DecodeErrors,
            AnswersDropped = (ulong)counters.AnswersDropped,
            PtsDiscontinuities = (ulong)counters.PtsDiscontinuities,
            AsksRefused = (ulong)counters.AsksRefused,
            StandingQuestionsRefused = (ulong)counters.StandingQuestionsRefused,
            MediaMessagesRefused = (ulong)counters.MediaMessagesRefused,
        };
        if (stream.Engine is { } engine)
        {
            stats.WindowsPrefilled = (ulong)engine.WindowsPrefilled;
            stats.WindowsDropped = (ulong)engine.WindowsDropped;
            stats.FramesDropped = (ulong)(engine.WindowsDropped * stream.FramesPerWindow);
            stats.KvBytes = (ulong)engine.KvBytes;
            stats.KvTokens = (ulong)engine.KvTokens;
        }

        foreach (var (code, count) in counters.NonZeroRejections())
        {
            stats.Rejections.Add(new RejectionCount { Code = code, Count = (ulong)count });
        }

        return stats;
    }

    public static StreamInfo Info(LiveStream stream, long uptimeMs)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var info = new StreamInfo
        {
            StreamId = stream.Id,
            State = StreamState.Live,
            Model = stream.Model,
            Video = stream.Open.Video?.Clone(),
            Audio = stream.Open.Audio?.Clone(),
            Pruning = stream.Settings.Pruning.Clone(),
            KvCache = stream.Settings.KvCache.Clone(),
            WindowMs = stream.Settings.WindowMs,
            OpenedAtUnixMs = stream.OpenedAt.ToUnixTimeMilliseconds(),
            Peer = stream.Peer,
            Tenant = stream.Tenant,
            Stats = Stats(stream, uptimeMs, final: false),
            ModelDomain = stream.ModelDomain?.Clone(),
        };
        info.StandingQuestions.AddRange(stream.StandingQuestions());
        info.Labels.Add(stream.Open.Labels);
        return info;
    }
}
