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
            DetachedAnswersDropped = (ulong)counters.DetachedAnswersDropped,
            Resumes = (uint)counters.Resumes,
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

    /// <summary>The process as a whole: memory, tensors, KV over every registered stream, and the detach counters.</summary>
    public static ServerStats Server(StreamRegistry registry, DetachedStreams? detached)
    {
        ArgumentNullException.ThrowIfNull(registry);
        var streams = registry.List(tenant: null, "", after: null, int.MaxValue, out var total); // every tenant's
        var stats = new ServerStats
        {
            RssBytes = (ulong)Math.Max(0, Environment.WorkingSet),
            ManagedHeapBytes = (ulong)Math.Max(0, GC.GetGCMemoryInfo().HeapSizeBytes),
            LiveTensors = (ulong)Math.Max(0, Torch.Torch.LiveTensorCount),
            LiveTensorBytes = (ulong)Math.Max(0, Torch.Torch.LiveTensorBytes),
            KvBytes = (ulong)streams.Sum(s => s.Engine?.KvBytes ?? 0),
            Streams = (uint)total,
        };
        if (detached is not null)
        {
            stats.DetachedStreams = (uint)Math.Max(0, detached.Count);
            stats.DetachedTotal = (ulong)detached.DetachedTotal;
            stats.ResumedTotal = (ulong)detached.ResumedTotal;
            stats.DetachedExpiredTotal = (ulong)detached.ExpiredTotal;
            stats.DetachedEvictedTotal = (ulong)detached.EvictedTotal;
            stats.DetachedDiscardedTotal = (ulong)detached.DiscardedTotal;
            stats.StreamsFailedTotal = (ulong)detached.FailedTotal;
        }

        return stats;
    }

    public static StreamInfo Info(LiveStream stream, long uptimeMs)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var info = new StreamInfo
        {
            StreamId = stream.Id,
            State = stream.State,
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
