namespace FastAV.Live.Server.Streams;

/// <summary>
/// Limits and defaults of the LiveAnalytics service (configuration section "LiveAnalytics"); validated at
/// start-up by <see cref="LiveAnalyticsOptionsValidator"/>. Contract-level ranges are in live.proto; these
/// properties can only tighten them.
/// </summary>
public sealed class LiveAnalyticsOptions
{
    public const string SectionName = "LiveAnalytics";

    /// <summary>Streams live at once; one more gets RESOURCE_EXHAUSTED. Default 64.</summary>
    public int MaxConcurrentStreams { get; set; } = 64;

    /// <summary>Longest stream id, characters (contract maximum 128). Default 128.</summary>
    public int MaxStreamIdLength { get; set; } = IdentifierRules.MaxLength;

    /// <summary>Longest question id, characters (contract maximum 128). Default 64.</summary>
    public int MaxQuestionIdLength { get; set; } = 64;

    /// <summary>Longest question text, characters. Default 2000.</summary>
    public int MaxQuestionChars { get; set; } = 2000;

    /// <summary>Most answer tokens a question may ask for. Default 1024.</summary>
    public int MaxAnswerTokens { get; set; } = 1024;

    /// <summary>Answer tokens when a question leaves max_tokens at 0. Default 64.</summary>
    public int DefaultAnswerTokens { get; set; } = 64;

    /// <summary>Standing questions per stream. Default 16.</summary>
    public int MaxStandingQuestions { get; set; } = 16;

    /// <summary>Labels per stream. Default 16.</summary>
    public int MaxLabels { get; set; } = 16;

    /// <summary>Largest video frame width in pixels. Default 7680.</summary>
    public int MaxVideoWidth { get; set; } = 7680;

    /// <summary>Largest video frame height in pixels. Default 4320.</summary>
    public int MaxVideoHeight { get; set; } = 4320;

    /// <summary>Largest video frame payload, bytes (the gRPC message limit applies as well). Default 16 MiB.</summary>
    public int MaxVideoPayloadBytes { get; set; } = 16 << 20;

    /// <summary>Largest audio chunk payload, bytes. Default 1 MiB.</summary>
    public int MaxAudioPayloadBytes { get; set; } = 1 << 20;

    /// <summary>How far a track's pts may go back below its largest pts so far (B-frames in decode order). Default 500 ms.</summary>
    public TimeSpan PtsReorderTolerance { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// A track's pts gap forward of more than this many windows, or a step back of more than this many (and more than
    /// <see cref="PtsReorderTolerance"/>), is a discontinuity (a clock jump or a camera's reset): the track is re-based
    /// instead of padding the gap with empty windows or rejecting every frame until the clock catches up. Default 3.
    /// </summary>
    public double MaxPtsGapWindows { get; set; } = 3;

    /// <summary>Wall-clock interval of periodic StreamStats; zero = none by time. Default 5 s.</summary>
    public TimeSpan StatsInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>StreamStats after every this many requests; 0 = none by count. Default 0.</summary>
    public int StatsEveryMessages { get; set; }

    /// <summary>Warnings sent per stats interval; more are only counted (warnings_suppressed). Default 16.</summary>
    public int MaxWarningsPerStatsInterval { get; set; } = 16;

    /// <summary>Responses queued for a slow reader before periodic stats and warnings are skipped. Default 256.</summary>
    public int ResponseQueueCapacity { get; set; } = 256;

    /// <summary>When a client finishes sending, how long the call waits for its last windows and open questions before it ends. Default 30 s.</summary>
    public TimeSpan EndOfStreamDrainTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Window length W when StreamOpen leaves window_ms at 0, milliseconds. Default 1000.</summary>
    public int DefaultWindowMs { get; set; } = 1000;

    /// <summary>Fine-pruning P when StreamOpen leaves it unset. Default 0.2 (FASTAV.md's best).</summary>
    public float DefaultFineDropRatio { get; set; } = 0.2f;

    /// <summary>Per-layer KV token budget when StreamOpen leaves it at 0. Default 16,384.</summary>
    public int DefaultKvTokensPerLayer { get; set; } = 16_384;

    /// <summary>Largest per-layer KV token budget a stream may ask for (contract maximum 1,048,576). Default 1,048,576.</summary>
    public int MaxKvTokensPerLayer { get; set; } = 1 << 20;

    /// <summary>Largest KV byte budget a stream may ask for. Default 64 GiB.</summary>
    public long MaxKvBytesPerStream { get; set; } = 64L << 30;

    /// <summary>Attention sinks kept by STREAMING_LLM eviction when StreamOpen leaves sink_tokens at 0. Default 4.</summary>
    public int DefaultSinkTokens { get; set; } = 4;

    /// <summary>A2SF forgetting factor when StreamOpen leaves it unset. Default 0.9.</summary>
    public float DefaultForgettingFactor { get; set; } = 0.9f;

    /// <summary>PAGED eviction block size when StreamOpen leaves block_tokens at 0. Default 16.</summary>
    public int DefaultBlockTokens { get; set; } = 16;

    /// <summary>ListStreams page size when the request leaves page_size at 0. Default 100.</summary>
    public int DefaultPageSize { get; set; } = 100;

    /// <summary>Largest ListStreams page; larger requests are clamped. Default 1000.</summary>
    public int MaxPageSize { get; set; } = 1000;

    /// <summary>
    /// How long a stream whose call ended without the client's half-close (connection lost, deadline, cancel) is kept
    /// detached for a resume (StreamOpen.resume_token): its KV cache, standing questions, counters and answers.
    /// Zero = never: such streams close at once and StreamAccepted carries no resume token. Default 30 s.
    /// </summary>
    public TimeSpan ResumeGracePeriod { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// KV cache bytes all detached streams together may hold; past it the cache evicts detached streams (their
    /// tensors are freed, a resume gets NOT_FOUND). Default 1 GiB.
    /// </summary>
    public long MaxDetachedKvBytes { get; set; } = 1L << 30;

    /// <summary>Answers a detached stream keeps for its resume (at most ResponseQueueCapacity − 1 are: they go out with StreamAccepted through the call's queue); later ones are counted (detached_answers_dropped). Default 64.</summary>
    public int MaxDetachedAnswers { get; set; } = 64;
}
