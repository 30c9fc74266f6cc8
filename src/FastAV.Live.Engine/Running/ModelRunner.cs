using System.Runtime.ExceptionServices;
using FastAV.Live.Engine.Cache;
using FastAV.Live.Engine.Flops;
using FastAV.Live.Engine.Pruning;
using FastAV.Live.Engine.Sessions;
using FastAV.Live.Models.Decoder;
using FastAV.Live.Torch;

namespace FastAV.Live.Engine.Running;

/// <summary>
/// With its lockstep driver (<see cref="Lockstep"/>), the only engine type that moves tensors. Prefills a block layer by
/// layer: all tokens below K, the global policy's subset at K, fine pruning by the last query's row after K; then folds
/// the block into the stream's cache: scores updated, rows evicted by the cache's plan (index lists applied to the KV
/// tensors), positions re-indexed. Answers prefill a question on top of the cache, decode greedily and truncate back to
/// the cache as it was. Every piece of work is a run of the lockstep driver: alone here, or batched with other streams'
/// work (other runners over the same model) by <see cref="RunBatch"/>.
/// </summary>
public sealed partial class ModelRunner
{
    private readonly DecoderModel _model;
    private readonly IPruningPolicy? _beforeLlm;
    private readonly IPruningPolicy? _global;
    private readonly FinePruner? _fine;
    private readonly ModelRunnerOptions _options;
    private readonly FlopsCounter _flops;

    public ModelRunner(DecoderModel model, IPruningPolicy? globalPolicy = null, FinePruner? finePruner = null, ModelRunnerOptions? options = null, IPruningPolicy? beforeLlmPolicy = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (beforeLlmPolicy is { Stage: not PruningStage.BeforeLlm })
        {
            throw new ArgumentException($"{beforeLlmPolicy.Name} runs inside the LLM, not before it", nameof(beforeLlmPolicy));
        }

        _model = model;
        _beforeLlm = beforeLlmPolicy;
        _global = globalPolicy;
        _fine = finePruner;
        _options = options ?? new ModelRunnerOptions();
        var c = model.Config;
        LayerCount = c.LayerCount;
        GlobalLayer = globalPolicy?.Layer ?? _options.GlobalLayer ?? LayerCount / 2;
        if (GlobalLayer < 1 || GlobalLayer >= LayerCount)
        {
            throw new ArgumentOutOfRangeException(nameof(options), GlobalLayer, $"the global layer must be within 1..{LayerCount - 1}");
        }

        if (globalPolicy is { Stage: not PruningStage.AtLayer })
        {
            throw new ArgumentException($"{globalPolicy.Name} runs before the LLM, not at a layer", nameof(globalPolicy));
        }

        if (_options.MaxNewTokens < 1) throw new ArgumentOutOfRangeException(nameof(options), _options.MaxNewTokens, "MaxNewTokens must be at least 1");
        Geometry = new DecoderGeometry(c.LayerCount, c.HiddenSize, c.IntermediateSize, c.AttentionHeadCount, c.KeyValueHeadCount, c.ResolvedHeadDim);
        BytesPerElement = model.DType switch
        {
            DType.Float16 or DType.BFloat16 => 2,
            DType.Float64 => 8,
            _ => 4,
        };
        _flops = new FlopsCounter(Geometry, BytesPerElement);
    }

    public int LayerCount { get; }

    /// <summary>K: the first layer that sees only the global policy's subset.</summary>
    public int GlobalLayer { get; }

    public DecoderGeometry Geometry { get; }

    public int BytesPerElement { get; }

    /// <summary>A stream's KV state; tensors are sized once to the largest layer budget plus a block and a question.</summary>
    public StreamKv CreateStream(RollingKvCacheOptions options, IEvictionPolicy eviction)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.LayerCount != LayerCount) throw new ArgumentException($"cache options have {options.LayerCount} layers, the model {LayerCount}", nameof(options));
        var bytes = Geometry.KvBytesPerTokenPerLayer(BytesPerElement);
        if (options.BytesPerTokenPerLayer != bytes)
        {
            throw new ArgumentException($"cache options count {options.BytesPerTokenPerLayer} bytes per token and layer; the model needs {bytes}", nameof(options));
        }

        if (options.MaxPositions > _model.Config.MaxPositionEmbeddings)
        {
            throw new ArgumentException($"MaxPositions {options.MaxPositions} exceeds the model's {_model.Config.MaxPositionEmbeddings}", nameof(options));
        }

        var cache = new RollingKvCache(options, eviction);
        var largest = Enumerable.Range(0, LayerCount).Max(l => cache.Layer(l).MaxTokens);
        return new StreamKv(_model.CreateCache(largest + options.MaxBlockSpan + options.QuestionReserve), cache);
    }

    /// <summary>The prompt's text tokens: never pruned, never evicted.</summary>
    public PrefillResult PrefillPrompt(StreamKv stream, ReadOnlySpan<long> ids)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var scope = new TensorScope();
        var embeddings = _model.Embed(ids);
        var kinds = Enumerable.Repeat(TokenKind.Prompt, ids.Length).ToArray();
        return Prefill(stream, embeddings, kinds, 0, new double[ids.Length], -1);
    }

    /// <summary>A window's embeddings [TokenCount, hidden] (media tokens from the projectors, then the separator).
    /// queryIds (optional): a standing question whose last token scores the window instead of the separator
    /// (question-aware pruning); its rows are computed for scoring and never cached.</summary>
    public PrefillResult PrefillWindow(StreamKv stream, Tensor embeddings, Window window, long[]? queryIds = null)
    {
        ArgumentNullException.ThrowIfNull(window);
        return Prefill(stream, embeddings, window.Kinds, window.FirstTimelineIndex, window.MediaTimes, window.Index, window.FrameOfToken, queryIds: queryIds);
    }

    /// <summary>Any block: embeddings [n, hidden]; kinds, media times [n]; timeline index of its first token. Optional
    /// for policies before the LLM: frame of each token [n] (−1 for none) and the encoder's attention to each token [n].</summary>
    public PrefillResult Prefill(
        StreamKv stream,
        Tensor embeddings,
        TokenKind[] kinds,
        long firstTimelineIndex,
        double[] mediaTimes,
        long windowIndex,
        int[]? frameOfToken = null,
        float[]? encoderAttention = null,
        long[]? queryIds = null)
    {
        using var scope = new TensorScope();
        var run = StartPrefill(stream, embeddings, kinds, firstTimelineIndex, mediaTimes, windowIndex, frameOfToken, encoderAttention, queryIds);
        Lockstep.Run([run]);
        if (run.Failure is { } failure) ExceptionDispatchInfo.Throw(failure);
        return run.Result!;
    }

    // Checks the block, makes room for it and picks the rows that enter the LLM; nothing is appended yet.
    private PrefillRun StartPrefill(
        StreamKv stream,
        Tensor embeddings,
        TokenKind[] kinds,
        long firstTimelineIndex,
        double[] mediaTimes,
        long windowIndex,
        int[]? frameOfToken,
        float[]? encoderAttention,
        long[]? queryIds)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(embeddings);
        ArgumentNullException.ThrowIfNull(kinds);
        ArgumentNullException.ThrowIfNull(mediaTimes);
        var n = kinds.Length;
        if (n == 0) throw new ArgumentException("a block needs tokens", nameof(kinds));
        if (mediaTimes.Length != n) throw new ArgumentException($"{mediaTimes.Length} media times for {n} tokens", nameof(mediaTimes));
        if (embeddings.Dim != 2 || embeddings.Size(0) != n || embeddings.Size(1) != _model.Config.HiddenSize)
        {
            throw new ArgumentException($"embeddings must be [{n}, {_model.Config.HiddenSize}], got {embeddings}", nameof(embeddings));
        }

        if (embeddings.DType != _model.DType) throw new ArgumentException($"embeddings are {embeddings.DType}; the model computes in {_model.DType}", nameof(embeddings));

        if (stream.ActiveAnswer is not null) throw new InvalidOperationException("the stream is answering a question; end it before prefilling");
        var q = queryIds?.Length ?? 0;
        var input = embeddings;
        var allKinds = kinds;
        var frames = frameOfToken;
        if (q > 0)
        {
            // The query rides at the end of the block: always kept, last, so its row scores the window.
            input = Torch.Torch.Cat([embeddings, _model.Embed(queryIds)]);
            allKinds = [.. kinds, .. Enumerable.Repeat(TokenKind.Question, q)];
            if (frames is not null) frames = [.. frames, .. Enumerable.Repeat(-1, q)];
            if (encoderAttention is not null) encoderAttention = [.. encoderAttention, .. new float[q]];
        }

        Apply(stream, stream.Cache.MakeRoom(new int[LayerCount], n + q), new int[LayerCount]);
        var entering = SelectBeforeLlm(input, allKinds, frames, encoderAttention);
        return new PrefillRun(this, stream, input, allKinds, entering)
        {
            Embeddings = embeddings,
            Kinds = kinds,
            QueryLength = q,
            FirstTimelineIndex = firstTimelineIndex,
            MediaTimes = mediaTimes,
            WindowIndex = windowIndex,
            FrameOfToken = frameOfToken,
        };
    }

    // The block at a layer: all tokens below K, the global subset at K, fine pruning after.
    private DecoderBlock EnterLayer(PrefillRun run, int l)
    {
        var kv = run.Stream.Tensors;
        var policy = !run.HasMedia ? null : l == GlobalLayer ? _global : l > GlobalLayer ? _fine : null; // text-only blocks (prompt) are never pruned
        if (policy is not null)
        {
            var context = new PruningContext
            {
                Kinds = run.Alive.Select(i => run.AllKinds[i]).ToArray(),
                QueryAttention = run.BlockScores[l - 1],
                Keys = policy is DartPolicy ? BlockKeys(kv[l - 1], run.Alive.Length) : null,
                KeyDim = Geometry.KvSize,
            };
            var selected = policy.SelectKept(context);
            CheckSelection(policy, selected, run.Alive.Length);
            if (selected.Length < run.Alive.Length) run.Keep(selected);
        }

        var start = run.Stream.Cache.Layer(l).NextPosition;
        return new DecoderBlock
        {
            Hidden = run.Hidden,
            Positions = Array.ConvertAll(run.Alive, i => (long)(start + i)),
            Cache = kv,
            LastQuery = run.LastQuery,
        };
    }

    // Folds a prefilled block into the stream's cache: query rows off, scores updated, room made, rows booked.
    private PrefillResult CompletePrefill(PrefillRun run, float[] logits)
    {
        var stream = run.Stream;
        var book = stream.Cache;
        var kv = stream.Tensors;
        var q = run.QueryLength;
        var n = run.Kinds.Length;
        var kept = run.Kept;
        var blockScores = run.BlockScores;
        for (var l = 0; l < LayerCount && q > 0; l++)
        {
            // The query's rows are the last q of every layer's block; they leave the cache now.
            kv[l].Truncate(kv[l].Count - q);
            kept[l] = kept[l][..^q];
            blockScores[l] = blockScores[l][..^q];
        }

        var cachedBefore = run.Mark;
        for (var l = 0; l < LayerCount; l++)
        {
            book.UpdateScores(l, run.LastQuery.Row(l).AsSpan(0, cachedBefore[l]));
        }

        var redundancy = book.Policy is InfiniPotVEviction ? TemporalRedundancy.Measure(stream, run.Embeddings, run.FrameOfToken, n) : null;
        var incoming = kept.Select(k => k.Length).ToArray();
        var plan = book.MakeRoom(incoming, n + q);
        Apply(stream, plan, incoming);
        for (var l = 0; l < LayerCount; l++)
        {
            var (ratio, valueNorm) = NewRowNorms(kv[l], incoming[l]);
            var rows = new CachedToken[incoming[l]];
            for (var j = 0; j < rows.Length; j++)
            {
                var i = kept[l][j];
                rows[j] = new CachedToken
                {
                    TimelineIndex = run.FirstTimelineIndex + i,
                    Kind = run.Kinds[i],
                    MediaTime = run.MediaTimes[i],
                    Window = run.WindowIndex,
                    Position = i,
                    Score = blockScores[l][j],
                    ValueKeyRatio = ratio[j],
                    ValueNorm = valueNorm[j],
                    Redundancy = redundancy?[i] ?? 0,
                };
            }

            book.Append(l, rows);
            SyncPositions(book.Layer(l), kv[l]);
        }

        return new PrefillResult
        {
            KeptPerLayer = kept,
            BlockScores = blockScores,
            LastLogits = logits,
            Flops = _flops.Prefill(incoming.Select(c => c + q).ToArray(), cachedBefore, n + q),
            EvictedCount = plan.EvictedCount,
        };
    }

    // The block's tokens that enter the LLM: all, or what the policy before the LLM keeps of the projected embeddings.
    private int[] SelectBeforeLlm(Tensor embeddings, TokenKind[] kinds, int[]? frameOfToken, float[]? encoderAttention)
    {
        var all = Enumerable.Range(0, kinds.Length).ToArray();
        if (_beforeLlm is null || !kinds.Any(k => k.IsMedia())) return all;

        var d = _model.Config.HiddenSize;
        float[] features;
        using (var scope = new TensorScope())
        {
            features = embeddings.To(DType.Float32).Contiguous().ToArray<float>();
        }

        float[]? frameFeatures = null;
        if (frameOfToken is not null)
        {
            if (frameOfToken.Length != kinds.Length) throw new ArgumentException($"{frameOfToken.Length} frame indices for {kinds.Length} tokens", nameof(frameOfToken));
            if (frameOfToken.Any(f => f < -1 || f >= kinds.Length)) throw new ArgumentOutOfRangeException(nameof(frameOfToken), "frame indices must be −1 or below the token count");
            var frames = frameOfToken.Max() + 1;
            frameFeatures = new float[frames * d];
            var counts = new int[frames];
            for (var i = 0; i < kinds.Length; i++)
            {
                var f = frameOfToken[i];
                if (f < 0) continue;
                counts[f]++;
                for (var j = 0; j < d; j++) frameFeatures[f * d + j] += features[i * d + j];
            }

            for (var f = 0; f < frames; f++)
            {
                for (var j = 0; j < d && counts[f] > 0; j++) frameFeatures[f * d + j] /= counts[f];
            }
        }

        var context = new PruningContext
        {
            Kinds = kinds,
            Features = features,
            FeatureDim = d,
            FrameOfToken = frameOfToken,
            FrameFeatures = frameFeatures,
            FrameFeatureDim = d,
            EncoderAttention = encoderAttention,
        };
        var selected = _beforeLlm.SelectKept(context);
        CheckSelection(_beforeLlm, selected, kinds.Length);
        return selected;
    }

    // A plug-in's answer must be ascending rows of the block that keep its last token (the query).
    private static void CheckSelection(IPruningPolicy policy, int[] selected, int count)
    {
        var previous = -1;
        foreach (var i in selected)
        {
            if (i <= previous || i >= count) throw new InvalidOperationException($"{policy.Name} returned rows that are not ascending within 0..{count - 1}");
            previous = i;
        }

        if (previous != count - 1) throw new InvalidOperationException($"{policy.Name} dropped the block's last token");
    }

    // Applies the cache's plan to the tensors: kept old rows, then the block's newRows rows appended after them.
    private void Apply(StreamKv stream, CacheCompaction plan, int[] newRows)
    {
        for (var l = 0; l < LayerCount; l++)
        {
            var kv = stream.Tensors[l];
            if (plan.KeptRowsPerLayer[l] is { } rows)
            {
                var oldCount = kv.Count - newRows[l];
                var slots = rows.Concat(Enumerable.Range(oldCount, newRows[l])).ToArray();
                kv.Retain(slots);
            }

            if (newRows[l] == 0) SyncPositions(stream.Cache.Layer(l), kv);
        }
    }

    private static void SyncPositions(LayerTokenSet book, LayerKv kv)
    {
        if (book.Count != kv.Count) throw new InvalidOperationException($"cache bookkeeping holds {book.Count} rows, the tensors {kv.Count}");
        var positions = new long[book.Count];
        var rows = book.Rows;
        for (var i = 0; i < positions.Length; i++) positions[i] = rows[i].Position;
        kv.Reposition(positions);
    }

    // The block's keys at a layer (pre-RoPE, the newest rows), [count, kvHeads·headDim], for key-based policies.
    private float[] BlockKeys(LayerKv kv, int count)
    {
        using var scope = new TensorScope();
        return kv.Keys().Narrow(0, kv.Count - count, count).Reshape(count, Geometry.KvSize).To(DType.Float32).ToArray<float>();
    }

    // ‖V‖/‖K‖ and ‖V‖ of the newest rows, [count] each.
    private (float[] Ratio, float[] ValueNorm) NewRowNorms(LayerKv kv, int count)
    {
        if (count == 0) return ([], []);
        using var scope = new TensorScope();
        var keys = kv.Keys().Narrow(0, kv.Count - count, count).Reshape(count, Geometry.KvSize).To(DType.Float32).Norm(2, [1]);
        var values = kv.Values().Narrow(0, kv.Count - count, count).Reshape(count, Geometry.KvSize).To(DType.Float32).Norm(2, [1]);
        var v = values.ToArray<float>();
        var k = keys.ToArray<float>();
        return (v.Select((x, i) => k[i] == 0 ? 0f : x / k[i]).ToArray(), v);
    }
}
