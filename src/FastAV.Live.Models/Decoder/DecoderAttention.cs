using FastAV.Live.Torch;

namespace FastAV.Live.Models.Decoder;

/// <summary>
/// Grouped-query self-attention of one layer over its cached tokens plus the new block (causal
/// within the block, every attended cached token visible). Query heads are grouped under their
/// key/value head ([kvHeads, group·tokens, headDim]) so keys and values are never repeated per head.
/// </summary>
internal sealed class DecoderAttention : IDisposable
{
    private readonly Tensor _qWeight; // [heads·headDim, hidden]
    private readonly Tensor _kWeight; // [kvHeads·headDim, hidden]
    private readonly Tensor _vWeight; // [kvHeads·headDim, hidden]
    private readonly Tensor _oWeight; // [hidden, heads·headDim]
    private readonly Tensor? _qBias;
    private readonly Tensor? _kBias;
    private readonly Tensor? _vBias;
    private readonly RotaryEmbedding _rope;
    private readonly int _heads;
    private readonly int _kvHeads;
    private readonly int _group;
    private readonly int _headDim;

    public DecoderAttention(DecoderConfig config, RotaryEmbedding rope, DecoderWeights weights, string prefix)
    {
        _rope = rope;
        _heads = config.AttentionHeadCount;
        _kvHeads = config.KeyValueHeadCount;
        _group = config.QueriesPerKeyValue;
        _headDim = config.ResolvedHeadDim;
        long hidden = config.HiddenSize;
        long qSize = (long)_heads * _headDim;
        long kvSize = (long)_kvHeads * _headDim;
        _qWeight = weights.Get(prefix + "q_proj.weight", qSize, hidden);
        _kWeight = weights.Get(prefix + "k_proj.weight", kvSize, hidden);
        _vWeight = weights.Get(prefix + "v_proj.weight", kvSize, hidden);
        _oWeight = weights.Get(prefix + "o_proj.weight", hidden, qSize);
        if (config.AttentionBias)
        {
            _qBias = weights.Get(prefix + "q_proj.bias", qSize);
            _kBias = weights.Get(prefix + "k_proj.bias", kvSize);
            _vBias = weights.Get(prefix + "v_proj.bias", kvSize);
        }
    }

    /// <summary>
    /// x [T, hidden] at <paramref name="positions"/> [T] -> [T, hidden]. Appends the block's keys
    /// (before RoPE) and values to <paramref name="kv"/>, then attends to <paramref name="cachedSlots"/>
    /// of the tokens cached before (all when null) and to the block itself.
    /// </summary>
    public Tensor Forward(Tensor x, ReadOnlySpan<long> positions, LayerKv kv, int[]? cachedSlots, int layer, LastQueryAttention? lastQuery, AttentionMaps? maps = null) =>
        Forward(x, [new LayerSegment(0, x.Size(0), positions.ToArray(), kv, cachedSlots, lastQuery, maps)], layer);

    /// <summary>
    /// Stacked blocks x [ΣT, hidden] -> [ΣT, hidden]: one projection per weight for every row; each segment appends its
    /// keys and values to its own cache and attends over that cache and itself only.
    /// </summary>
    public Tensor Forward(Tensor x, IReadOnlyList<LayerSegment> segments, int layer)
    {
        using var scope = new TensorScope();
        foreach (var segment in segments)
        {
            if (segment.CachedSlots is not null) CheckSlots(segment.CachedSlots, segment.Kv.Count, layer);
        }

        var q = Functional.Linear(x, _qWeight, _qBias);
        var k = Functional.Linear(x, _kWeight, _kBias);
        var v = Functional.Linear(x, _vWeight, _vBias);
        var merged = new Tensor[segments.Count];
        for (var i = 0; i < segments.Count; i++)
        {
            var s = segments[i];
            merged[i] = Attend(
                Rows(q, s, segments.Count).View(s.Length, _heads, _headDim),
                Rows(k, s, segments.Count).View(s.Length, _kvHeads, _headDim),
                Rows(v, s, segments.Count).View(s.Length, _kvHeads, _headDim),
                s,
                layer);
        }

        var all = merged.Length == 1 ? merged[0] : Torch.Torch.Cat(merged);
        return scope.MoveToOuter(Functional.Linear(all, _oWeight));
    }

    public void Dispose()
    {
        foreach (var w in new[] { _qWeight, _kWeight, _vWeight, _oWeight, _qBias, _kBias, _vBias })
        {
            w?.Dispose();
        }
    }

    private static Tensor Rows(Tensor stacked, LayerSegment s, int count) => count == 1 ? stacked : stacked.Narrow(0, s.Start, s.Length);

    // One segment's attention: q [T, heads, headDim], k and v [T, kvHeads, headDim] -> merged heads [T, heads·headDim].
    private Tensor Attend(Tensor q, Tensor k, Tensor v, LayerSegment segment, int layer)
    {
        var t = segment.Length;
        var positions = segment.Positions;
        var kv = segment.Kv;
        var cachedSlots = segment.CachedSlots;
        var lastQuery = segment.LastQuery;
        var maps = segment.Maps;
        var cachedBefore = kv.Count;
        kv.Append(k, v, positions);

        // The attended keys: the chosen cached slots, then the block. [S, kvHeads, headDim]
        var slots = AttendedSlots(cachedSlots, cachedBefore, kv.Count);
        Tensor keys = kv.Keys(), values = kv.Values();
        long[] keyPositions;
        if (cachedSlots is null)
        {
            keyPositions = kv.Positions.ToArray();
        }
        else
        {
            var index = Torch.Torch.FromArray(Array.ConvertAll(slots, slot => (long)slot)).To(keys.Device);
            keys = keys.IndexSelect(0, index);
            values = values.IndexSelect(0, index);
            var all = kv.Positions;
            keyPositions = new long[slots.Length];
            for (var i = 0; i < slots.Length; i++)
            {
                keyPositions[i] = all[slots[i]];
            }
        }

        var keyCount = keys.Size(0);
        var attendedLength = Math.Max(Max(keyPositions), Max(positions)) + 1;
        var (cosQ, sinQ) = _rope.CosSin(positions, attendedLength, q.DType, q.Device);
        var (cosK, sinK) = _rope.CosSin(keyPositions, attendedLength, q.DType, q.Device);
        var qRot = RotaryEmbedding.Apply(q, cosQ, sinQ);         // [T, heads, headDim]
        var kRot = RotaryEmbedding.Apply(keys, cosK, sinK);      // [S, kvHeads, headDim]
        var kByHead = kRot.Transpose(0, 1);                      // [kvHeads, S, headDim]
        var vByHead = values.Transpose(0, 1);                    // [kvHeads, S, headDim]
        var qGrouped = qRot.View(t, _kvHeads, _group, _headDim)
            .Permute(1, 2, 0, 3)
            .Reshape(_kvHeads, _group * t, _headDim);            // [kvHeads, group·T, headDim]
        var mask = t == 1 ? null : BlockCausalMask(t, keyCount, q.Device); // [group·T, S]
        var attended = Functional.ScaledDotProductAttention(qGrouped, kByHead, vByHead, mask); // [kvHeads, group·T, headDim]
        var merged = attended.Reshape(_kvHeads, _group, t, _headDim)
            .Permute(2, 0, 1, 3)
            .Reshape(t, (long)_heads * _headDim);                // [T, heads·headDim]

        if (lastQuery is not null)
        {
            lastQuery.Record(layer, LastQueryRow(qRot, kByHead), slots);
        }

        if (maps is not null)
        {
            maps.Record(layer, FullMap(qGrouped, kByHead, mask, t, keyCount), (int)t, slots);
        }

        return merged;
    }

    // softmax(q_last·Kᵀ/√d) for each head, averaged over heads: one query row, [S].
    private float[] LastQueryRow(Tensor qRot, Tensor kByHead)
    {
        var t = qRot.Size(0);
        var qLast = qRot.Narrow(0, t - 1, 1).Reshape(_kvHeads, _group, _headDim); // [kvHeads, group, headDim]
        var scores = qLast.Matmul(kByHead.Transpose(1, 2)).Mul(1.0 / Math.Sqrt(_headDim)); // [kvHeads, group, S]
        var row = scores.To(DType.Float32).Softmax(-1).Mean([0, 1]);
        return row.ToArray<float>();
    }

    // Offline only: softmax(Q·Kᵀ/√d + causal mask) of every head, averaged over heads: [T, S] row-major.
    private float[] FullMap(Tensor qGrouped, Tensor kByHead, Tensor? mask, long t, long s)
    {
        if (t * s > AttentionMaps.MaxCells)
        {
            throw new ArgumentOutOfRangeException(nameof(t), $"a {t} × {s} attention map is more than the {AttentionMaps.MaxCells} cells recorded per layer");
        }

        var scores = qGrouped.Matmul(kByHead.Transpose(1, 2)).To(DType.Float32).Mul(1.0 / Math.Sqrt(_headDim)); // [kvHeads, group·T, S]
        if (mask is not null)
        {
            scores = scores.MaskedFill(mask.LogicalNot().Unsqueeze(0), double.NegativeInfinity);
        }

        var map = scores.Softmax(-1).Reshape(_kvHeads * _group, t, s).Mean([0]); // [T, S]
        return map.Contiguous().ToArray<float>();
    }

    // Row i (query i of the block, for each of the group's heads) sees key j when j <= cached + i.
    private Tensor BlockCausalMask(long t, long s, Device device)
    {
        var keyIndex = Torch.Torch.Arange(s, device: device);                           // [S]
        var lastVisible = Torch.Torch.Arange(t, device: device).Add(s - t).Unsqueeze(1); // [T, 1]
        var keep = keyIndex.Le(lastVisible);                             // [T, S]
        return _group == 1 ? keep : keep.Unsqueeze(0).Expand(_group, t, s).Reshape(_group * t, s);
    }

    private static int[] AttendedSlots(int[]? cachedSlots, int cachedBefore, int count)
    {
        var cached = cachedSlots ?? Enumerable.Range(0, cachedBefore).ToArray();
        var slots = new int[cached.Length + count - cachedBefore];
        cached.CopyTo(slots, 0);
        for (var i = cachedBefore; i < count; i++)
        {
            slots[cached.Length + i - cachedBefore] = i;
        }

        return slots;
    }

    internal static void CheckSlots(int[] slots, int cachedCount, int layer)
    {
        ArgumentNullException.ThrowIfNull(slots);
        for (var i = 0; i < slots.Length; i++)
        {
            if (slots[i] < 0 || slots[i] >= cachedCount)
            {
                throw new ArgumentOutOfRangeException(nameof(slots), slots[i], $"layer {layer}: cached slot {slots[i]} is outside the cache (count {cachedCount})");
            }

            if (i > 0 && slots[i] <= slots[i - 1])
            {
                throw new ArgumentException($"layer {layer}: cached slots must be strictly increasing; {slots[i]} follows {slots[i - 1]}", nameof(slots));
            }
        }
    }

    private static long Max(ReadOnlySpan<long> values)
    {
        var max = 0L;
        foreach (var v in values)
        {
            max = Math.Max(max, v);
        }

        return max;
    }
}
