using FastAV.Live.Engine.Cache;
using FastAV.Live.Engine.Pruning;
using FastAV.Live.Engine.Running;
using FastAV.Live.Engine.Sessions;
using Grpc.Core;
using FastAV.Live.Models.Composition;
using FastAV.Live.Server.Streams;
using Contract = FastAV.Live.Contracts.V1;

namespace FastAV.Live.Server.Inference;

/// <summary>
/// Turns a stream's contract settings into engine objects for the loaded model, or INVALID_ARGUMENT /
/// UNIMPLEMENTED saying which field does not fit the model. Pure: no tensors are touched.
/// </summary>
public static class StreamPlanner
{
    public static Status Plan(AvModel model, Contract.StreamOpen open, StreamSettings settings, InferenceOptions options, out StreamPlan? plan)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(open);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(options);
        plan = null;
        var windowMs = (uint)Math.Round(model.Manifest.WindowSeconds * 1000);
        if (open.WindowMs != 0 && open.WindowMs != windowMs)
        {
            return LiveStatuses.Invalid("StreamOpen.window_ms", $"the model {ModelName(model)} works on {windowMs} ms windows, got {open.WindowMs} (leave it 0 for the model's)");
        }

        var decoder = model.Decoder.Config;
        var layers = decoder.LayerCount;
        var p = settings.Pruning;
        if (p.GlobalLayer != 0 && p.GlobalLayer >= layers)
        {
            return LiveStatuses.Invalid("StreamOpen.pruning.global_layer", $"must be within 1..{layers - 1} for the model {ModelName(model)} ({layers} layers), got {p.GlobalLayer}");
        }

        var media = model.Prompt.VideoTokens + model.Prompt.AudioTokens;
        var status = Runner(model, p, media, out var runner);
        if (!status.IsOk()) return status;

        var session = new StreamSessionOptions
        {
            WindowSeconds = model.Manifest.WindowSeconds,
            FramesPerWindow = model.FramesPerWindow,
            TokensPerFrame = model.FramesPerWindow == 0 ? 0 : model.Prompt.VideoTokens / model.FramesPerWindow,
            AudioTokensPerWindow = model.Prompt.AudioTokens,
        };
        var block = model.TokensPerWindow;
        var reserve = options.QuestionReserveTokens;
        var positions = (int)Math.Min(decoder.MaxPositionEmbeddings, int.MaxValue);
        var capacity = positions - block - reserve;
        if (capacity < block)
        {
            return LiveStatuses.Invalid("StreamOpen.kv_cache", $"the model {ModelName(model)} has {decoder.MaxPositionEmbeddings} positions: too few for a window of {block} tokens and a {reserve}-token question reserve");
        }

        var kv = settings.KvCache;
        var asked = open.KvCache?.MaxTokensPerLayer ?? 0;
        if (asked > capacity)
        {
            return LiveStatuses.Invalid("StreamOpen.kv_cache.max_tokens_per_layer", $"the model {ModelName(model)} holds at most {capacity} cached tokens per layer ({decoder.MaxPositionEmbeddings} positions less a {block}-token window and a {reserve}-token question reserve), got {asked}");
        }

        var maxTokens = asked != 0 ? (int)asked : Math.Min(options.DefaultKvTokensPerLayer ?? DefaultBudget(model) ?? capacity, capacity);
        if (maxTokens < model.Prompt.StreamPrefix.Length + block)
        {
            return LiveStatuses.Invalid("StreamOpen.kv_cache.max_tokens_per_layer", $"must hold at least the prompt and one window ({model.Prompt.StreamPrefix.Length + block} tokens), got {maxTokens}");
        }

        var bytesPerToken = runner!.Geometry.KvBytesPerTokenPerLayer(runner.BytesPerElement);
        var cache = new RollingKvCacheOptions
        {
            LayerCount = layers,
            BytesPerTokenPerLayer = bytesPerToken,
            Budget = new KvBudget { MaxTokens = maxTokens, MaxBytes = kv.MaxKvBytes == 0 ? null : (long)(kv.MaxKvBytes / (ulong)layers) },
            MaxPositions = positions,
            MaxBlockSpan = block,
            QuestionReserve = reserve,
        };
        if (cache.Budget.MaxBytes is { } perLayer && perLayer / bytesPerToken < model.Prompt.StreamPrefix.Length + block)
        {
            return LiveStatuses.Invalid("StreamOpen.kv_cache.max_kv_bytes", $"{kv.MaxKvBytes} bytes hold fewer tokens than the prompt and one window ({bytesPerToken * layers} bytes per token over all layers)");
        }

        var effective = kv.Clone();
        effective.MaxTokensPerLayer = (uint)maxTokens;
        IEvictionPolicy eviction;
        switch (kv.Eviction)
        {
            case Contract.KvEvictionPolicy.A2Sf:
                var recent = kv.RecentTokens == 0 ? block : (int)Math.Min(kv.RecentTokens, (uint)maxTokens / 2);
                eviction = new A2sfEviction(new A2sfOptions { ForgettingFactor = kv.ForgettingFactor, RecentKept = recent });
                effective.RecentTokens = (uint)recent;
                break;
            case Contract.KvEvictionPolicy.Paged:
                eviction = new PagedEviction(new PagedEvictionOptions { BlockSize = (int)kv.BlockTokens });
                break;
            case Contract.KvEvictionPolicy.InfinipotV:
                eviction = new InfiniPotVEviction();
                break;
            default:
                var sinks = (int)Math.Min(Math.Max(kv.SinkTokens, (uint)model.Prompt.StreamPrefix.Length), (uint)maxTokens / 2);
                eviction = new StreamingLlmEviction(new StreamingLlmOptions { SinkCount = sinks });
                effective.SinkTokens = (uint)sinks;
                effective.RecentTokens = (uint)(maxTokens - sinks);
                break;
        }

        plan = new StreamPlan(runner, cache, eviction, session, p.Policy, reserve) { EffectiveKvCache = effective };
        return Status.DefaultSuccess;
    }

    /// <summary>fastav.json's name, else the model folder's name.</summary>
    public static string ModelName(AvModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return model.Manifest.Name ?? Path.GetFileName(Path.TrimEndingDirectorySeparator(model.Directory));
    }

    /// <summary>
    /// The model's trained context (prompt + trained_windows windows), or null when fastav.json does not say: a cache
    /// larger than what the model saw in training holds context it was never taught to use (eval-streaming measures it).
    /// </summary>
    public static int? DefaultBudget(AvModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return model.Manifest.TrainedWindows is { } windows ? model.Prompt.StreamPrefix.Length + (windows * model.TokensPerWindow) : null;
    }

    /// <summary>Share of a window's media tokens FastAV keeps at K when neither the stream nor the model (calibration) says.</summary>
    public const double DefaultKeepShare = 0.75;

    /// <summary>What a FastAV stream that sets nothing keeps at K: the model's calibrated N, else its stated keep_rule's, else <see cref="DefaultKeepShare"/>.</summary>
    public static int DefaultFastAvKeep(AvModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var media = model.Prompt.VideoTokens + model.Prompt.AudioTokens;
        return model.Manifest.DefaultKeepRule is { } rule ? Math.Min(rule.KeepFirstMediaTokens, media) : Math.Max(1, (int)Math.Round(DefaultKeepShare * media));
    }

    private static Status Runner(AvModel model, Contract.PruningConfig p, int mediaTokens, out ModelRunner? runner)
    {
        runner = null;

        // FastAV with neither keep_first_tokens nor keep_ratio set takes the model's rule when it has one — calibrated
        // (fastav calibrate --write-model), else stated (keep_rule): N first media tokens, at its layer unless global_layer names one.
        var rule = p.Policy == Contract.PruningPolicy.Fastav && p.KeepFirstTokens == 0 && p.KeepRatio == 0 ? model.Manifest.DefaultKeepRule : null;
        int? layer = p.GlobalLayer != 0 ? (int)p.GlobalLayer : rule?.GlobalLayer;
        var keep = p.KeepRatio > 0 ? p.KeepRatio : DefaultKeepShare;
        var kept = p.KeepFirstTokens > 0 ? (int)Math.Min(p.KeepFirstTokens, (uint)mediaTokens)
            : p.KeepRatio > 0 ? Math.Max(1, (int)Math.Round(keep * mediaTokens))
            : DefaultFastAvKeep(model);
        var fine = p.FineDropRatio > 0 ? new FinePruner(new FinePrunerOptions { DropRatio = p.FineDropRatio }) : null;
        var seed = unchecked((int)p.Seed);
        var options = new ModelRunnerOptions { GlobalLayer = layer };
        var decoder = model.Decoder;
        try
        {
            runner = p.Policy switch
            {
                Contract.PruningPolicy.None => new ModelRunner(decoder, options: options),
                Contract.PruningPolicy.Fastav => new ModelRunner(decoder, new KeepFirstPolicy(new KeepFirstOptions { MediaTokensKept = kept, Layer = layer }), fine, options),
                Contract.PruningPolicy.Random => new ModelRunner(decoder, new RandomPolicy(new RandomOptions { KeepRatio = keep, Seed = seed == 0 ? 1234 : seed, Layer = layer }), fine, options),
                Contract.PruningPolicy.LowAttentive => new ModelRunner(decoder, new LowAttentivePolicy(new LowAttentiveOptions { KeepRatio = keep, Layer = layer }), fine, options),
                Contract.PruningPolicy.Fastv => new ModelRunner(decoder, new FastVPolicy(new FastVOptions { Layer = layer ?? 2, DropRatio = 1 - keep }), fine, options),
                Contract.PruningPolicy.Dart => new ModelRunner(decoder, new DartPolicy(new DartOptions { KeepRatio = keep, PivotCount = p.PivotCount == 0 ? 8 : (int)p.PivotCount, Layer = layer ?? 2 }), fine, options),
                Contract.PruningPolicy.Metok => new ModelRunner(decoder, null, fine, options, new MetokPolicy(new MetokOptions { KeepRatio = keep, EventCount = p.EventCount == 0 ? Math.Min(4, model.FramesPerWindow) : (int)p.EventCount })),
                Contract.PruningPolicy.Divprune => new ModelRunner(decoder, null, fine, options, new DivPrunePolicy(new DivPruneOptions { KeepRatio = keep })),
                _ => null,
            };
        }
        catch (ArgumentException e)
        {
            return LiveStatuses.Invalid("StreamOpen.pruning", $"does not fit the model {ModelName(model)}: {e.Message}");
        }

        return runner is not null
            ? Status.DefaultSuccess
            : new Status(StatusCode.Unimplemented, $"StreamOpen.pruning.policy: {p.Policy} is not available for live streams (FasterVLM needs the vision encoder's [CLS] attention, TransPrune token transition scores the runner does not accumulate, LazyLLM re-selects tokens per decode step)");
    }
}
