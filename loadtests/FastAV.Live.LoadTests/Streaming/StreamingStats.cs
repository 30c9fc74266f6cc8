namespace FastAV.Live.LoadTests.Streaming;

/// <summary>
/// What NBomber and ghz don't measure, for the streams of one scenario: standing-answer latency from the window's
/// close (client clock: when the last media of the window was written) to the answer's arrival, and as the server
/// reports it; Ask time to first token and inter-token latency; answers late (over the late limit) or missing
/// (askings due by the media sent that never came); windows and frames dropped, decode errors, answers the server
/// could not deliver; warnings by code; KV bytes per stream (StreamStats); the FLOPs ratio of pruned ingest; and,
/// when the server is local, its RSS with the slopes a soak looks at.
/// </summary>
public sealed record StreamingStats
{
    public LatencySummary StandingLatency { get; init; } = Empty;

    public LatencySummary ServerStandingLatency { get; init; } = Empty;

    public LatencySummary AskTimeToFirstToken { get; init; } = Empty;

    public LatencySummary AskInterTokenLatency { get; init; } = Empty;

    public double LateAfterMs { get; init; }

    public long AnswersExpected { get; init; }

    public long AnswersLate { get; init; }

    public long AnswersMissing { get; init; }

    public long WindowsPrefilled { get; init; }

    public long WindowsDropped { get; init; }

    public long FramesDropped { get; init; }

    public long DecodeErrors { get; init; }

    public long AnswersDropped { get; init; }

    public long MediaRejected { get; init; }

    public IReadOnlyDictionary<string, long> Warnings { get; init; } = new Dictionary<string, long>();

    public long StreamsOpened { get; init; }

    public long StreamsFailed { get; init; }

    public long ReopenRetries { get; init; }

    public double KvBytesPerStreamMean { get; init; }

    public long KvBytesPerStreamMax { get; init; }

    /// <summary>Σ stream_flops / Σ stream_flops_unpruned over the streams' last answers (1 = no pruning); NaN without answers.</summary>
    public double FlopsRatio { get; init; } = double.NaN;

    /// <summary>
    /// Decoder FLOPs of ingest per second of media: Σ stream_flops / Σ media time they cover (each stream's last answer,
    /// Answer.stream_span); NaN without answers. Comparable across policies, unlike <see cref="FlopsRatio"/>, whose
    /// baseline for a pruned stream attends to its own pruned cache.
    /// </summary>
    public double FlopsPerMediaSecond { get; init; } = double.NaN;

    public long ServerRssFirstBytes { get; init; } = -1;

    public long ServerRssLastBytes { get; init; } = -1;

    public long ServerRssMaxBytes { get; init; } = -1;

    /// <summary>Least-squares slope over the second half of the run; NaN when not measured.</summary>
    public double ServerRssSlopeBytesPerMinute { get; init; } = double.NaN;

    public double KvPerStreamSlopeBytesPerMinute { get; init; } = double.NaN;

    public IReadOnlyList<StreamRecord> Streams { get; init; } = [];

    public long WarningCount => Warnings.Values.Sum();

    private static LatencySummary Empty => new(0, 0, 0, 0, 0, 0);
}
