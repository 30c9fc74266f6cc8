using FastAV.Live.Torch;

namespace FastAV.Live.Models.Decoder;

/// <summary>
/// A Qwen2/LLaMA decoder built for the engine. The forward pass is split so the engine can act
/// between layers:
/// <code>
/// var h = model.Embed(ids);                                          // [T, hidden]
/// h = model.RunLayers(h, positions, cache, 0, k, lastQuery);         // layers [0, k)
/// // drop tokens: h = h.IndexSelect(0, kept); positions = positions[kept]
/// h = model.RunLayers(h, keptPositions, cache, k, model.Config.LayerCount, lastQuery);
/// var logits = model.Logits(h.Narrow(0, h.Size(0) - 1, 1));         // [1, vocab]
/// </code>
/// Every layer appends the block's keys (before RoPE), values and positions to its own
/// <see cref="LayerKv"/>; a block is causal in its own order and sees every attended cached token.
/// Tensors returned belong to the caller's <see cref="TensorScope"/> (or to the caller).
/// </summary>
public sealed class DecoderModel : IDisposable
{
    private readonly Tensor _embedding; // [vocab, hidden]
    private readonly Tensor _head;      // [vocab, hidden], the embedding when tied
    private readonly RmsNorm _norm;
    private readonly RotaryEmbedding _rope;
    private readonly DecoderLayer[] _layers;

    private DecoderModel(DecoderConfig config, DType dtype, Tensor embedding, Tensor head, RmsNorm norm, RotaryEmbedding rope, DecoderLayer[] layers)
    {
        Config = config;
        DType = dtype;
        _embedding = embedding;
        _head = head;
        _norm = norm;
        _rope = rope;
        _layers = layers;
    }

    public DecoderConfig Config { get; }

    /// <summary>The weights' dtype, which is also the compute dtype (RoPE angles are float32).</summary>
    public DType DType { get; }

    internal IReadOnlyList<DecoderLayer> Layers => _layers;

    internal RotaryEmbedding Rope => _rope;

    /// <summary>
    /// Builds the decoder from Hugging Face names: <c>{prefix}embed_tokens.weight</c>,
    /// <c>{prefix}layers.{i}.…</c>, <c>{prefix}norm.weight</c> and <paramref name="headName"/> unless
    /// the embeddings are tied. The model takes ownership of the tensors the source returns.
    /// </summary>
    public static DecoderModel Load(DecoderConfig config, IWeightSource weights, string prefix = "model.", string headName = "lm_head.weight")
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(prefix);
        ArgumentNullException.ThrowIfNull(headName);
        config.Validate();
        var source = new DecoderWeights(weights);
        RotaryEmbedding? rope = null;
        try
        {
            var embedding = source.Get(prefix + "embed_tokens.weight", config.VocabSize, config.HiddenSize);
            rope = new RotaryEmbedding(config);
            var layers = new DecoderLayer[config.LayerCount];
            for (var i = 0; i < layers.Length; i++)
            {
                layers[i] = new DecoderLayer(config, rope, source, i, prefix);
            }

            var norm = new RmsNorm(source.Get(prefix + "norm.weight", config.HiddenSize), config.RmsNormEps);
            var head = config.TieWordEmbeddings ? embedding : source.Get(headName, config.VocabSize, config.HiddenSize);
            return new DecoderModel(config, source.DType!.Value, embedding, head, norm, rope, layers);
        }
        catch
        {
            source.DisposeTaken();
            rope?.Dispose();
            throw;
        }
    }

    /// <summary>An empty cache shaped for this model.</summary>
    public DecoderKvCache CreateCache(int initialCapacity = 64) => new(Config, DType, initialCapacity, _embedding.Device);

    /// <summary>Token ids [T] -> hidden states [T, hidden].</summary>
    public Tensor Embed(ReadOnlySpan<long> ids)
    {
        if (ids.IsEmpty)
        {
            throw new ArgumentException("no token ids", nameof(ids));
        }

        foreach (var id in ids)
        {
            if (id < 0 || id >= Config.VocabSize)
            {
                throw new ArgumentOutOfRangeException(nameof(ids), id, $"token id outside the vocabulary (size {Config.VocabSize})");
            }
        }

        using var scope = new TensorScope();
        var index = Torch.Torch.FromSpan(ids, ids.Length).To(_embedding.Device);
        return scope.MoveToOuter(Functional.Embedding(index, _embedding));
    }

    /// <summary>
    /// Runs layers [<paramref name="fromLayer"/>, <paramref name="toLayer"/>) on <paramref name="hidden"/>
    /// [T, hidden] at <paramref name="positions"/> [T]; returns [T, hidden]. Each layer appends the block
    /// to its cache and attends to <paramref name="cachedSlots"/>[layer] of what it held before (all
    /// when absent). <paramref name="lastQuery"/>, when given, receives each layer's last-query row;
    /// <paramref name="maps"/>, when given (offline analysis only), each layer's full head-averaged attention map.
    /// </summary>
    public Tensor RunLayers(
        Tensor hidden,
        ReadOnlySpan<long> positions,
        DecoderKvCache cache,
        int fromLayer,
        int toLayer,
        LastQueryAttention? lastQuery = null,
        IReadOnlyDictionary<int, int[]>? cachedSlots = null,
        AttentionMaps? maps = null)
    {
        ArgumentNullException.ThrowIfNull(hidden);
        ArgumentNullException.ThrowIfNull(cache);
        var block = new DecoderBlock
        {
            Hidden = hidden,
            Positions = positions.ToArray(),
            Cache = cache,
            CachedSlots = cachedSlots,
            LastQuery = lastQuery,
            Maps = maps,
        };
        return RunLayers([block], fromLayer, toLayer)[0];
    }

    /// <summary>
    /// Runs layers [<paramref name="fromLayer"/>, <paramref name="toLayer"/>) on several sequences at once: their
    /// tokens are stacked for the norms, projections and MLP (one matrix product per weight for all of them), and each
    /// block attends only over its own cache and itself. Returns each block's output [T_i, hidden], in order. Every
    /// block is checked before any layer runs, so a rejected call appends nothing; blocks must use distinct caches.
    /// </summary>
    public Tensor[] RunLayers(IReadOnlyList<DecoderBlock> blocks, int fromLayer, int toLayer)
    {
        ArgumentNullException.ThrowIfNull(blocks);
        if (blocks.Count == 0) throw new ArgumentException("no blocks", nameof(blocks));
        if (fromLayer < 0 || toLayer > _layers.Length || fromLayer > toLayer)
        {
            throw new ArgumentOutOfRangeException(nameof(fromLayer), $"layers [{fromLayer}, {toLayer}) are not within [0, {_layers.Length}]");
        }

        var caches = new HashSet<DecoderKvCache>(ReferenceEqualityComparer.Instance);
        foreach (var block in blocks)
        {
            ArgumentNullException.ThrowIfNull(block, nameof(blocks));
            Check(block, fromLayer, toLayer);
            if (!caches.Add(block.Cache)) throw new ArgumentException("two blocks share one cache; a batch holds one block per sequence", nameof(blocks));
        }

        if (fromLayer == toLayer)
        {
            return blocks.Select(b => b.Hidden.Alias()).ToArray();
        }

        using var scope = new TensorScope();
        var lengths = blocks.Select(b => b.Hidden.Size(0)).ToArray();
        var h = blocks.Count == 1 ? blocks[0].Hidden : Torch.Torch.Cat(blocks.Select(b => b.Hidden).ToArray());
        for (var i = fromLayer; i < toLayer; i++)
        {
            var segments = new LayerSegment[blocks.Count];
            long start = 0;
            for (var b = 0; b < blocks.Count; b++)
            {
                var block = blocks[b];
                var slots = block.CachedSlots is not null && block.CachedSlots.TryGetValue(i, out var s) ? s : null;
                segments[b] = new LayerSegment(start, lengths[b], block.Positions, block.Cache[i], slots, block.LastQuery, block.Maps);
                start += lengths[b];
            }

            h = _layers[i].Forward(h, segments);
        }

        var outputs = new Tensor[blocks.Count];
        long offset = 0;
        for (var b = 0; b < blocks.Count; b++)
        {
            outputs[b] = scope.MoveToOuter(blocks.Count == 1 ? h : h.Narrow(0, offset, lengths[b]));
            offset += lengths[b];
        }

        return outputs;
    }

    /// <summary>Final norm and LM head: hidden [T, hidden] -> logits [T, vocab].</summary>
    public Tensor Logits(Tensor hidden)
    {
        ArgumentNullException.ThrowIfNull(hidden);
        if (hidden.Dim != 2 || hidden.Size(1) != Config.HiddenSize)
        {
            throw new ArgumentException($"hidden must be [tokens, {Config.HiddenSize}], got {hidden}", nameof(hidden));
        }

        using var scope = new TensorScope();
        return scope.MoveToOuter(Functional.Linear(_norm.Forward(hidden), _head));
    }

    /// <summary>All layers on token ids [T] at positions [T]: logits [T, vocab] (prefill, or decode with T = 1).</summary>
    public Tensor Forward(ReadOnlySpan<long> ids, ReadOnlySpan<long> positions, DecoderKvCache cache, LastQueryAttention? lastQuery = null)
    {
        using var scope = new TensorScope();
        var h = RunLayers(Embed(ids), positions, cache, 0, _layers.Length, lastQuery);
        return scope.MoveToOuter(Logits(h));
    }

    // Everything about one block that could fail a layer, checked before any layer runs.
    private void Check(DecoderBlock block, int fromLayer, int toLayer)
    {
        ArgumentNullException.ThrowIfNull(block.Hidden, nameof(block));
        ArgumentNullException.ThrowIfNull(block.Positions, nameof(block));
        ArgumentNullException.ThrowIfNull(block.Cache, nameof(block));
        var hidden = block.Hidden;
        if (block.Cache.LayerCount != _layers.Length)
        {
            throw new ArgumentException($"the cache has {block.Cache.LayerCount} layers, the model {_layers.Length}", nameof(block));
        }

        if (hidden.Dim != 2 || hidden.Size(1) != Config.HiddenSize || hidden.Size(0) == 0)
        {
            throw new ArgumentException($"hidden must be [tokens > 0, {Config.HiddenSize}], got {hidden}", nameof(block));
        }

        if (hidden.DType != DType)
        {
            throw new ArgumentException($"hidden is {hidden.DType}, the model computes in {DType}", nameof(block));
        }

        if (block.Positions.Length != hidden.Size(0))
        {
            throw new ArgumentException($"{block.Positions.Length} positions given for {hidden.Size(0)} tokens", nameof(block));
        }

        LayerKv.CheckPositions(block.Positions, nameof(block));
        if (block.CachedSlots is not null)
        {
            foreach (var (layer, slots) in block.CachedSlots)
            {
                if (layer >= fromLayer && layer < toLayer)
                {
                    DecoderAttention.CheckSlots(slots, block.Cache[layer].Count, layer);
                }
            }
        }
    }

    public void Dispose()
    {
        foreach (var layer in _layers)
        {
            layer.Dispose();
        }

        _norm.Dispose();
        _rope.Dispose();
        _embedding.Dispose();
        _head.Dispose();
    }
}
