using FastAV.Live.Contracts.V1;
using Grpc.Core;

namespace FastAV.Live.Server.Streams;

/// <summary>
/// Checks a StreamOpen field by field against live.proto's rules and the server's limits. The first
/// problem found wins; its status message starts with the field's path ("StreamOpen.pruning.keep_ratio: ...").
/// </summary>
public sealed class StreamOpenValidator(LiveAnalyticsOptions options)
{
    public const int MinWindowMs = 100;
    public const int MaxWindowMs = 10_000;
    public const int MaxGlobalLayer = 255;
    public const int MaxKeepFirstTokens = 1_000_000;
    public const float MaxFineDropRatio = 0.95f;
    public const int MaxPivotCount = 1024;
    public const int MaxEventCount = 1024;
    public const int MaxLayerKeepRatios = 256;
    public const int MinKvTokensPerLayer = 16;
    public const int MaxBlockTokens = 4096;
    public const int MaxModelNameLength = 128;
    public const int MaxResumeTokenLength = 256;
    public const int MaxLabelKeyLength = 64;
    public const int MaxLabelValueLength = 256;
    public const float MaxFrameRate = 240f;
    public const float MaxSampleFps = 60f;
    public const int MinSampleRateHz = 8000;
    public const int MaxSampleRateHz = 192_000;
    public const int MaxChannels = 8;

    private const string Open = "StreamOpen";
    private static readonly uint[] OpusRates = [8000, 12000, 16000, 24000, 48000];

    private readonly QuestionValidator _questions = new(options);

    public Status Validate(StreamOpen open)
    {
        ArgumentNullException.ThrowIfNull(open);
        var problem = IdentifierRules.Check(open.StreamId, options.MaxStreamIdLength);
        if (problem is not null)
        {
            return LiveStatuses.Invalid(Open + ".stream_id", problem);
        }

        var status = First(
            () => CheckModel(open.Model),
            () => open.Pruning is null ? Status.DefaultSuccess : CheckPruning(open.Pruning),
            () => open.KvCache is null ? Status.DefaultSuccess : CheckKvCache(open.KvCache),
            () => CheckTracks(open),
            () => CheckStandingQuestions(open),
            () => CheckResumeToken(open.ResumeToken),
            () => CheckWindow(open.WindowMs),
            () => CheckLabels(open));
        return status;
    }

    private static Status First(params Func<Status>[] checks)
    {
        foreach (var check in checks)
        {
            var status = check();
            if (!status.IsOk())
            {
                return status;
            }
        }

        return Status.DefaultSuccess;
    }

    private static Status CheckModel(string model)
    {
        if (model.Length == 0)
        {
            return Status.DefaultSuccess;
        }

        if (model.Length > MaxModelNameLength)
        {
            return LiveStatuses.Invalid(Open + ".model", $"is {model.Length} characters, at most {MaxModelNameLength} allowed");
        }

        foreach (var c in model)
        {
            if (!IdentifierRules.IsAllowed(c) && c != '/')
            {
                return LiveStatuses.Invalid(Open + ".model", $"may only contain [A-Za-z0-9._/:-], got {IdentifierRules.Quote(model)}");
            }
        }

        return Status.DefaultSuccess;
    }

    private static Status CheckPruning(PruningConfig pruning)
    {
        const string field = Open + ".pruning";
        if (!Enum.IsDefined(pruning.Policy))
        {
            return LiveStatuses.Invalid(field + ".policy", $"unknown PruningPolicy value {(int)pruning.Policy}");
        }

        if (pruning.GlobalLayer > MaxGlobalLayer)
        {
            return LiveStatuses.Invalid(field + ".global_layer", $"must be at most {MaxGlobalLayer}, got {pruning.GlobalLayer}");
        }

        if (!(pruning.KeepRatio is >= 0f and <= 1f))
        {
            return LiveStatuses.Invalid(field + ".keep_ratio", $"must be 0 (policy default) or in (0, 1], got {pruning.KeepRatio}");
        }

        if (pruning.KeepFirstTokens > MaxKeepFirstTokens)
        {
            return LiveStatuses.Invalid(field + ".keep_first_tokens", $"must be at most {MaxKeepFirstTokens}, got {pruning.KeepFirstTokens}");
        }

        if (pruning.HasFineDropRatio && !(pruning.FineDropRatio is >= 0f and <= MaxFineDropRatio))
        {
            return LiveStatuses.Invalid(field + ".fine_drop_ratio", $"must be in [0, {MaxFineDropRatio}], got {pruning.FineDropRatio}");
        }

        if (pruning.PivotCount > MaxPivotCount)
        {
            return LiveStatuses.Invalid(field + ".pivot_count", $"must be at most {MaxPivotCount}, got {pruning.PivotCount}");
        }

        if (pruning.EventCount > MaxEventCount)
        {
            return LiveStatuses.Invalid(field + ".event_count", $"must be at most {MaxEventCount}, got {pruning.EventCount}");
        }

        if (pruning.LayerKeepRatios.Count > MaxLayerKeepRatios)
        {
            return LiveStatuses.Invalid(field + ".layer_keep_ratios", $"has {pruning.LayerKeepRatios.Count} entries, at most {MaxLayerKeepRatios} allowed");
        }

        for (var i = 0; i < pruning.LayerKeepRatios.Count; i++)
        {
            var ratio = pruning.LayerKeepRatios[i];
            if (!(ratio is > 0f and <= 1f))
            {
                return LiveStatuses.Invalid($"{field}.layer_keep_ratios[{i}]", $"must be in (0, 1], got {ratio}");
            }
        }

        return Status.DefaultSuccess;
    }

    private Status CheckKvCache(KvCacheConfig cache)
    {
        const string field = Open + ".kv_cache";
        if (!Enum.IsDefined(cache.Eviction))
        {
            return LiveStatuses.Invalid(field + ".eviction", $"unknown KvEvictionPolicy value {(int)cache.Eviction}");
        }

        if (cache.MaxTokensPerLayer != 0 && (cache.MaxTokensPerLayer < MinKvTokensPerLayer || cache.MaxTokensPerLayer > options.MaxKvTokensPerLayer))
        {
            return LiveStatuses.Invalid(
                field + ".max_tokens_per_layer", $"must be 0 (default) or in [{MinKvTokensPerLayer}, {options.MaxKvTokensPerLayer}], got {cache.MaxTokensPerLayer}");
        }

        if (cache.MaxKvBytes > (ulong)options.MaxKvBytesPerStream)
        {
            return LiveStatuses.Invalid(field + ".max_kv_bytes", $"must be at most {options.MaxKvBytesPerStream}, got {cache.MaxKvBytes}");
        }

        var budget = cache.MaxTokensPerLayer != 0 ? cache.MaxTokensPerLayer : (uint)options.DefaultKvTokensPerLayer;
        if (cache.SinkTokens >= budget)
        {
            return LiveStatuses.Invalid(field + ".sink_tokens", $"must be below the per-layer budget {budget}, got {cache.SinkTokens}");
        }

        if ((ulong)cache.SinkTokens + cache.RecentTokens > budget)
        {
            return LiveStatuses.Invalid(
                field + ".recent_tokens", $"sink_tokens + recent_tokens = {(ulong)cache.SinkTokens + cache.RecentTokens} exceeds the per-layer budget {budget}");
        }

        if (cache.HasForgettingFactor && !(cache.ForgettingFactor is > 0f and <= 1f))
        {
            return LiveStatuses.Invalid(field + ".forgetting_factor", $"must be in (0, 1], got {cache.ForgettingFactor}");
        }

        if (cache.BlockTokens > MaxBlockTokens)
        {
            return LiveStatuses.Invalid(field + ".block_tokens", $"must be 0 (default) or in [1, {MaxBlockTokens}], got {cache.BlockTokens}");
        }

        return Status.DefaultSuccess;
    }

    private Status CheckTracks(StreamOpen open)
    {
        if (open.Video is null && open.Audio is null)
        {
            return LiveStatuses.Invalid(Open + ".video", "at least one of video and audio must be set");
        }

        if (open.Video is { } video)
        {
            var status = CheckVideo(video);
            if (!status.IsOk())
            {
                return status;
            }
        }

        return open.Audio is { } audio ? CheckAudio(audio) : Status.DefaultSuccess;
    }

    private Status CheckVideo(VideoFormat video)
    {
        const string field = Open + ".video";
        if (video.Codec == VideoCodec.Unspecified)
        {
            return LiveStatuses.Invalid(field + ".codec", "is required (VIDEO_CODEC_UNSPECIFIED)");
        }

        if (!Enum.IsDefined(video.Codec))
        {
            return LiveStatuses.Invalid(field + ".codec", $"unknown VideoCodec value {(int)video.Codec}");
        }

        var raw = MediaValidator.IsRaw(video.Codec);
        if (raw && video.Width == 0)
        {
            return LiveStatuses.Invalid(field + ".width", $"is required for {video.Codec}");
        }

        if (raw && video.Height == 0)
        {
            return LiveStatuses.Invalid(field + ".height", $"is required for {video.Codec}");
        }

        if (video.Width > options.MaxVideoWidth)
        {
            return LiveStatuses.Invalid(field + ".width", $"must be at most {options.MaxVideoWidth}, got {video.Width}");
        }

        if (video.Height > options.MaxVideoHeight)
        {
            return LiveStatuses.Invalid(field + ".height", $"must be at most {options.MaxVideoHeight}, got {video.Height}");
        }

        if (raw && MediaValidator.RawFrameBytes(video.Codec, video.Width, video.Height) > options.MaxVideoPayloadBytes)
        {
            return LiveStatuses.Invalid(
                field + ".width",
                $"{video.Width}x{video.Height} {video.Codec} frames are {MediaValidator.RawFrameBytes(video.Codec, video.Width, video.Height)} bytes, above the server's {options.MaxVideoPayloadBytes}-byte frame limit");
        }

        if (!(video.FrameRate is >= 0f and <= MaxFrameRate))
        {
            return LiveStatuses.Invalid(field + ".frame_rate", $"must be in [0, {MaxFrameRate}], got {video.FrameRate}");
        }

        if (!(video.SampleFps is >= 0f and <= MaxSampleFps))
        {
            return LiveStatuses.Invalid(field + ".sample_fps", $"must be in [0, {MaxSampleFps}], got {video.SampleFps}");
        }

        return Status.DefaultSuccess;
    }

    private static Status CheckAudio(AudioFormat audio)
    {
        const string field = Open + ".audio";
        if (audio.Codec == AudioCodec.Unspecified)
        {
            return LiveStatuses.Invalid(field + ".codec", "is required (AUDIO_CODEC_UNSPECIFIED)");
        }

        if (!Enum.IsDefined(audio.Codec))
        {
            return LiveStatuses.Invalid(field + ".codec", $"unknown AudioCodec value {(int)audio.Codec}");
        }

        var pcm = MediaValidator.IsPcm(audio.Codec);
        if (audio.Codec == AudioCodec.Opus && audio.SampleRateHz != 0 && !OpusRates.Contains(audio.SampleRateHz))
        {
            return LiveStatuses.Invalid(field + ".sample_rate_hz", $"OPUS needs 0 or one of 8000, 12000, 16000, 24000, 48000, got {audio.SampleRateHz}");
        }

        if ((pcm || audio.SampleRateHz != 0) && audio.SampleRateHz is < MinSampleRateHz or > MaxSampleRateHz)
        {
            return LiveStatuses.Invalid(
                field + ".sample_rate_hz", $"must be in [{MinSampleRateHz}, {MaxSampleRateHz}]{(pcm ? $" (required for {audio.Codec})" : "")}, got {audio.SampleRateHz}");
        }

        if ((pcm || audio.Channels != 0) && audio.Channels is < 1 or > MaxChannels)
        {
            return LiveStatuses.Invalid(field + ".channels", $"must be in [1, {MaxChannels}]{(pcm ? $" (required for {audio.Codec})" : "")}, got {audio.Channels}");
        }

        return Status.DefaultSuccess;
    }

    private Status CheckStandingQuestions(StreamOpen open)
    {
        const string field = Open + ".standing_questions";
        if (open.StandingQuestions.Count > options.MaxStandingQuestions)
        {
            return LiveStatuses.Exhausted(field, $"has {open.StandingQuestions.Count} entries, at most {options.MaxStandingQuestions} allowed (the server's limit)");
        }

        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < open.StandingQuestions.Count; i++)
        {
            var question = open.StandingQuestions[i];
            var status = _questions.Validate(question, $"{field}[{i}]");
            if (!status.IsOk())
            {
                return status;
            }

            if (!ids.Add(question.QuestionId))
            {
                return LiveStatuses.Invalid($"{field}[{i}].question_id", $"duplicate id {IdentifierRules.Quote(question.QuestionId)}");
            }
        }

        return Status.DefaultSuccess;
    }

    private static Status CheckResumeToken(string token)
    {
        if (token.Length > MaxResumeTokenLength)
        {
            return LiveStatuses.Invalid(Open + ".resume_token", $"is {token.Length} characters, at most {MaxResumeTokenLength} allowed");
        }

        foreach (var c in token)
        {
            if (c is < '!' or > '~')
            {
                return LiveStatuses.Invalid(Open + ".resume_token", "must be printable ASCII");
            }
        }

        return Status.DefaultSuccess;
    }

    private static Status CheckWindow(uint windowMs) =>
        windowMs != 0 && windowMs is < MinWindowMs or > MaxWindowMs
            ? LiveStatuses.Invalid(Open + ".window_ms", $"must be 0 (default) or in [{MinWindowMs}, {MaxWindowMs}], got {windowMs}")
            : Status.DefaultSuccess;

    private Status CheckLabels(StreamOpen open)
    {
        const string field = Open + ".labels";
        if (open.Labels.Count > options.MaxLabels)
        {
            return LiveStatuses.Invalid(field, $"has {open.Labels.Count} entries, at most {options.MaxLabels} allowed");
        }

        foreach (var (key, value) in open.Labels)
        {
            if (key.Length is 0 or > MaxLabelKeyLength || !key.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-'))
            {
                return LiveStatuses.Invalid(field, $"key {IdentifierRules.Quote(key)} must be 1-{MaxLabelKeyLength} characters of [A-Za-z0-9._-]");
            }

            if (value.Length > MaxLabelValueLength)
            {
                return LiveStatuses.Invalid($"{field}[{key}]", $"value is {value.Length} characters, at most {MaxLabelValueLength} allowed");
            }
        }

        return Status.DefaultSuccess;
    }
}
