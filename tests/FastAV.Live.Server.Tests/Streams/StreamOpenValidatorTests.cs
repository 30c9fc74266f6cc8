using FastAV.Live.Contracts.V1;
using Grpc.Core;
using Grpc.Net.Client;
using FastAV.Live.Server.Streams;

namespace FastAV.Live.Server.Tests.Streams;

public sealed class StreamOpenValidatorTests
{
    private static readonly StreamOpenValidator Validator = new(new LiveAnalyticsOptions { MaxStandingQuestions = 3, MaxLabels = 2 });

    /// <summary>(case name, how to break a valid StreamOpen, the start of the expected status message).</summary>
    public static TheoryData<string, Action<StreamOpen>, string> Malformed => new()
    {
        { "empty id", o => o.StreamId = "", "StreamOpen.stream_id: is required" },
        { "long id", o => o.StreamId = new string('a', 129), "StreamOpen.stream_id: is 129 characters, at most 128" },
        { "space in id", o => o.StreamId = "cam 1", "StreamOpen.stream_id: may only contain" },
        { "slash in id", o => o.StreamId = "cam/1", "StreamOpen.stream_id: may only contain" },
        { "unicode id", o => o.StreamId = "caméra", "StreamOpen.stream_id: may only contain" },
        { "control id", o => o.StreamId = "cam\u0000", "StreamOpen.stream_id: may only contain" },
        { "dot first", o => o.StreamId = ".cam", "StreamOpen.stream_id: must start with a letter or digit" },
        { "model chars", o => o.Model = "qwen 7b", "StreamOpen.model: may only contain" },
        { "model length", o => o.Model = new string('m', 129), "StreamOpen.model: is 129 characters" },
        { "policy unknown", o => o.Pruning = new PruningConfig { Policy = (PruningPolicy)99 }, "StreamOpen.pruning.policy: unknown PruningPolicy value 99" },
        { "policy negative", o => o.Pruning = new PruningConfig { Policy = (PruningPolicy)(-1) }, "StreamOpen.pruning.policy: unknown PruningPolicy value -1" },
        { "global layer", o => o.Pruning = new PruningConfig { GlobalLayer = 256 }, "StreamOpen.pruning.global_layer: must be at most 255" },
        { "keep ratio > 1", o => o.Pruning = new PruningConfig { KeepRatio = 1.5f }, "StreamOpen.pruning.keep_ratio: must be 0 (policy default) or in (0, 1], got 1.5" },
        { "keep ratio < 0", o => o.Pruning = new PruningConfig { KeepRatio = -0.1f }, "StreamOpen.pruning.keep_ratio:" },
        { "keep ratio NaN", o => o.Pruning = new PruningConfig { KeepRatio = float.NaN }, "StreamOpen.pruning.keep_ratio:" },
        { "keep ratio inf", o => o.Pruning = new PruningConfig { KeepRatio = float.PositiveInfinity }, "StreamOpen.pruning.keep_ratio:" },
        { "keep first", o => o.Pruning = new PruningConfig { KeepFirstTokens = 1_000_001 }, "StreamOpen.pruning.keep_first_tokens:" },
        { "fine drop 1", o => o.Pruning = new PruningConfig { FineDropRatio = 1f }, "StreamOpen.pruning.fine_drop_ratio: must be in [0, 0.95], got 1" },
        { "fine drop negative", o => o.Pruning = new PruningConfig { FineDropRatio = -0.2f }, "StreamOpen.pruning.fine_drop_ratio:" },
        { "fine drop NaN", o => o.Pruning = new PruningConfig { FineDropRatio = float.NaN }, "StreamOpen.pruning.fine_drop_ratio:" },
        { "pivots", o => o.Pruning = new PruningConfig { PivotCount = 1025 }, "StreamOpen.pruning.pivot_count:" },
        { "events", o => o.Pruning = new PruningConfig { EventCount = 5000 }, "StreamOpen.pruning.event_count:" },
        { "layer ratio 0", o => o.Pruning = new PruningConfig { LayerKeepRatios = { 0.5f, 0f } }, "StreamOpen.pruning.layer_keep_ratios[1]: must be in (0, 1], got 0" },
        { "layer ratios many", o => o.Pruning = new PruningConfig { LayerKeepRatios = { Enumerable.Repeat(0.5f, 257) } }, "StreamOpen.pruning.layer_keep_ratios: has 257 entries" },
        { "eviction unknown", o => o.KvCache = new KvCacheConfig { Eviction = (KvEvictionPolicy)17 }, "StreamOpen.kv_cache.eviction: unknown KvEvictionPolicy value 17" },
        { "kv tokens small", o => o.KvCache = new KvCacheConfig { MaxTokensPerLayer = 15 }, "StreamOpen.kv_cache.max_tokens_per_layer: must be 0 (default) or in [16, 1048576], got 15" },
        { "kv tokens big", o => o.KvCache = new KvCacheConfig { MaxTokensPerLayer = (1 << 20) + 1 }, "StreamOpen.kv_cache.max_tokens_per_layer:" },
        { "kv bytes", o => o.KvCache = new KvCacheConfig { MaxKvBytes = ulong.MaxValue }, "StreamOpen.kv_cache.max_kv_bytes: must be at most 68719476736" },
        { "sinks >= budget", o => o.KvCache = new KvCacheConfig { MaxTokensPerLayer = 64, SinkTokens = 64 }, "StreamOpen.kv_cache.sink_tokens: must be below the per-layer budget 64" },
        { "sinks+recent", o => o.KvCache = new KvCacheConfig { MaxTokensPerLayer = 64, SinkTokens = 4, RecentTokens = 61 }, "StreamOpen.kv_cache.recent_tokens: sink_tokens + recent_tokens = 65 exceeds" },
        { "recent overflow", o => o.KvCache = new KvCacheConfig { SinkTokens = 4, RecentTokens = uint.MaxValue }, "StreamOpen.kv_cache.recent_tokens:" },
        { "forgetting 0", o => o.KvCache = new KvCacheConfig { ForgettingFactor = 0f }, "StreamOpen.kv_cache.forgetting_factor: must be in (0, 1], got 0" },
        { "forgetting > 1", o => o.KvCache = new KvCacheConfig { ForgettingFactor = 1.01f }, "StreamOpen.kv_cache.forgetting_factor:" },
        { "block", o => o.KvCache = new KvCacheConfig { BlockTokens = 4097 }, "StreamOpen.kv_cache.block_tokens:" },
        { "no tracks", o => { o.Video = null; o.Audio = null; }, "StreamOpen.video: at least one of video and audio must be set" },
        { "video codec unset", o => o.Video.Codec = VideoCodec.Unspecified, "StreamOpen.video.codec: is required" },
        { "video codec unknown", o => o.Video.Codec = (VideoCodec)42, "StreamOpen.video.codec: unknown VideoCodec value 42" },
        { "raw no width", o => o.Video.Width = 0, "StreamOpen.video.width: is required for RawRgb24" },
        { "raw no height", o => o.Video = new VideoFormat { Codec = VideoCodec.RawI420, Width = 4 }, "StreamOpen.video.height: is required for RawI420" },
        { "width big", o => o.Video = new VideoFormat { Codec = VideoCodec.H264, Width = 7681 }, "StreamOpen.video.width: must be at most 7680, got 7681" },
        { "height big", o => o.Video = new VideoFormat { Codec = VideoCodec.Jpeg, Height = 4321 }, "StreamOpen.video.height: must be at most 4320" },
        { "raw frame > limit", o => o.Video = new VideoFormat { Codec = VideoCodec.RawRgb24, Width = 7680, Height = 4320 }, "StreamOpen.video.width: 7680x4320 RawRgb24 frames are 99532800 bytes" },
        { "frame rate", o => o.Video.FrameRate = 241, "StreamOpen.video.frame_rate: must be in [0, 240]" },
        { "frame rate NaN", o => o.Video.FrameRate = float.NaN, "StreamOpen.video.frame_rate:" },
        { "sample fps", o => o.Video.SampleFps = -1, "StreamOpen.video.sample_fps:" },
        { "audio codec unset", o => o.Audio.Codec = AudioCodec.Unspecified, "StreamOpen.audio.codec: is required" },
        { "audio codec unknown", o => o.Audio.Codec = (AudioCodec)5, "StreamOpen.audio.codec: unknown AudioCodec value 5" },
        { "pcm no rate", o => o.Audio.SampleRateHz = 0, "StreamOpen.audio.sample_rate_hz: must be in [8000, 192000] (required for PcmS16Le), got 0" },
        { "pcm rate high", o => o.Audio.SampleRateHz = 192_001, "StreamOpen.audio.sample_rate_hz:" },
        { "pcm no channels", o => o.Audio.Channels = 0, "StreamOpen.audio.channels: must be in [1, 8] (required for PcmS16Le), got 0" },
        { "pcm channels 9", o => o.Audio.Channels = 9, "StreamOpen.audio.channels:" },
        { "opus rate", o => o.Audio = new AudioFormat { Codec = AudioCodec.Opus, SampleRateHz = 44100 }, "StreamOpen.audio.sample_rate_hz: OPUS needs 0 or one of" },
        { "aac rate low", o => o.Audio = new AudioFormat { Codec = AudioCodec.AacAdts, SampleRateHz = 100 }, "StreamOpen.audio.sample_rate_hz:" },
        { "standing no id", o => o.StandingQuestions.Add(new StandingQuestion { Text = "t" }), "StreamOpen.standing_questions[0].question_id: is required" },
        { "standing empty text", o => o.StandingQuestions.Add(new StandingQuestion { QuestionId = "q", Text = "  \n" }), "StreamOpen.standing_questions[0].text: is required" },
        { "standing long text", o => o.StandingQuestions.Add(new StandingQuestion { QuestionId = "q", Text = new string('x', 2001) }), "StreamOpen.standing_questions[0].text: is 2001 characters, at most 2000" },
        { "standing interval", o => o.StandingQuestions.Add(new StandingQuestion { QuestionId = "q", Text = "t", IntervalMs = 499 }), "StreamOpen.standing_questions[0].interval_ms:" },
        { "standing tokens", o => o.StandingQuestions.Add(new StandingQuestion { QuestionId = "q", Text = "t", MaxTokens = 1025 }), "StreamOpen.standing_questions[0].max_tokens: must be at most 1024" },
        { "standing dup", o => o.StandingQuestions.Add([new StandingQuestion { QuestionId = "q", Text = "a" }, new StandingQuestion { QuestionId = "q", Text = "b" }]), "StreamOpen.standing_questions[1].question_id: duplicate id 'q'" },
        { "resume long", o => o.ResumeToken = new string('r', 257), "StreamOpen.resume_token: is 257 characters" },
        { "resume space", o => o.ResumeToken = "a b", "StreamOpen.resume_token: must be printable ASCII" },
        { "window small", o => o.WindowMs = 99, "StreamOpen.window_ms: must be 0 (default) or in [100, 10000], got 99" },
        { "window big", o => o.WindowMs = 10_001, "StreamOpen.window_ms:" },
        { "labels many", o => o.Labels.Add(new Dictionary<string, string> { ["a"] = "1", ["b"] = "2", ["c"] = "3" }), "StreamOpen.labels: has 3 entries, at most 2" },
        { "label key", o => o.Labels.Add("bad key", "v"), "StreamOpen.labels: key 'bad key' must be" },
        { "label empty key", o => o.Labels.Add("", "v"), "StreamOpen.labels: key '' must be" },
        { "label value", o => o.Labels.Add("site", new string('v', 257)), "StreamOpen.labels[site]: value is 257 characters" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void Malformed_open_is_invalid_argument_naming_the_field(string name, Action<StreamOpen> breakIt, string expected)
    {
        var open = StreamMessages.Open();
        breakIt(open);
        var status = Validator.Validate(open);
        Assert.True(status.StatusCode == StatusCode.InvalidArgument, $"{name}: {status}");
        Assert.StartsWith(expected, status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void More_standing_questions_than_the_servers_limit_is_resource_exhausted_as_the_contract_says()
    {
        var open = StreamMessages.Open();
        open.StandingQuestions.Add(Enumerable.Range(0, 4).Select(i => new StandingQuestion { QuestionId = $"q{i}", Text = "t" }));
        var status = Validator.Validate(open);
        Assert.Equal((StatusCode.ResourceExhausted, "StreamOpen.standing_questions: has 4 entries, at most 3 allowed (the server's limit)"), (status.StatusCode, status.Detail));
    }

    [Fact]
    public void Every_valid_variant_passes()
    {
        var open = StreamMessages.Open("Cam_01.front:2-b");
        open.Model = "org/fastav-tiny:v1";
        open.Pruning = new PruningConfig
        {
            Policy = PruningPolicy.Transprune, GlobalLayer = 255, KeepRatio = 1f, KeepFirstTokens = 750, FineDropRatio = 0f, LayerKeepRatios = { 1f, 0.8f },
        };
        open.KvCache = new KvCacheConfig { Eviction = KvEvictionPolicy.Paged, MaxTokensPerLayer = 16, SinkTokens = 15, RecentTokens = 1, ForgettingFactor = 1f, BlockTokens = 4096 };
        open.WindowMs = 10_000;
        open.StandingQuestions.Add(new StandingQuestion { QuestionId = "door", Text = "is anyone\tat the door?\n", IntervalMs = 500, MaxTokens = 1024 });
        open.Labels.Add("site", "door-3");
        Assert.Equal(StatusCode.OK, Validator.Validate(open).StatusCode);

        Assert.Equal(StatusCode.OK, Validator.Validate(new StreamOpen { StreamId = "a", Audio = new AudioFormat { Codec = AudioCodec.Opus } }).StatusCode);
        Assert.Equal(StatusCode.OK, Validator.Validate(new StreamOpen { StreamId = "b", Video = new VideoFormat { Codec = VideoCodec.Hevc } }).StatusCode);
        Assert.Equal(StatusCode.OK, Validator.Validate(new StreamOpen { StreamId = new string('z', 128), Video = new VideoFormat { Codec = VideoCodec.RawNv12, Width = 1, Height = 1 } }).StatusCode);
    }

    [Fact]
    public void A_tighter_server_limit_on_id_length_applies()
    {
        var validator = new StreamOpenValidator(new LiveAnalyticsOptions { MaxStreamIdLength = 8 });
        var status = validator.Validate(StreamMessages.Open("abcdefghi"));
        Assert.Equal((StatusCode.InvalidArgument, "StreamOpen.stream_id: is 9 characters, at most 8 allowed"), (status.StatusCode, status.Detail));
    }

    [Fact]
    public void Values_in_messages_are_quoted_escaped_and_cut()
    {
        var status = Validator.Validate(StreamMessages.Open("x\n" + new string('y', 100)));
        Assert.Equal("StreamOpen.stream_id: may only contain [A-Za-z0-9._:-], got 'x\\u000a" + new string('y', 62) + "…'", status.Detail);
    }
}
