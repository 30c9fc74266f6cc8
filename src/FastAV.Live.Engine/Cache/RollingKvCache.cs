namespace FastAV.Live.Engine.Cache;

/// <summary>
/// One stream's KV cache as bookkeeping: per layer its own rows, a budget and an eviction policy. Ask-then-commit:
/// MakeRoom(incoming) evicts so that the next block fits and returns the rows ModelRunner keeps in the tensors;
/// Append then records the block. Counts never exceed the budgets, so memory is flat after warm-up.
/// </summary>
public sealed class RollingKvCache
{
    private readonly LayerTokenSet[] _layers;
    private readonly RollingKvCacheOptions _options;
    private long _version;

    public RollingKvCache(RollingKvCacheOptions options, IEvictionPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(policy);
        if (options.LayerCount < 1) throw new ArgumentOutOfRangeException(nameof(options), options.LayerCount, "LayerCount must be at least 1");
        if (options.BytesPerTokenPerLayer < 1) throw new ArgumentOutOfRangeException(nameof(options), options.BytesPerTokenPerLayer, "BytesPerTokenPerLayer must be positive");
        if (options.MaxBlockSpan < 1) throw new ArgumentOutOfRangeException(nameof(options), options.MaxBlockSpan, "MaxBlockSpan must be positive");
        if (options.EvictionHeadroom < 0) throw new ArgumentOutOfRangeException(nameof(options), options.EvictionHeadroom, "EvictionHeadroom must not be negative");
        if (options.QuestionReserve < 0) throw new ArgumentOutOfRangeException(nameof(options), options.QuestionReserve, "QuestionReserve must not be negative");
        if (options.LayerBudgets is { } budgets && budgets.Count != options.LayerCount)
        {
            throw new ArgumentException($"{budgets.Count} layer budgets for {options.LayerCount} layers", nameof(options));
        }

        _options = options;
        Policy = policy;
        _layers = new LayerTokenSet[options.LayerCount];
        for (var l = 0; l < _layers.Length; l++)
        {
            var budget = options.LayerBudgets?[l] ?? options.Budget;
            var max = budget.EffectiveMaxTokens(options.BytesPerTokenPerLayer);
            if ((long)max + options.MaxBlockSpan + options.QuestionReserve > options.MaxPositions)
            {
                throw new ArgumentException(
                    $"layer {l}: {max} cached + {options.MaxBlockSpan} block + {options.QuestionReserve} reserve positions exceed the model's {options.MaxPositions}",
                    nameof(options));
            }

            _layers[l] = new LayerTokenSet(max);
        }
    }

    public IEvictionPolicy Policy { get; }

    public int LayerCount => _layers.Length;

    public int MaxPositions => _options.MaxPositions;

    /// <summary>Rows evicted since the stream began.</summary>
    public long EvictedCount { get; private set; }

    public LayerTokenSet Layer(int layer)
    {
        CheckLayer(layer);
        return _layers[layer];
    }

    public long Bytes(int layer) => Layer(layer).Count * _options.BytesPerTokenPerLayer;

    public long TotalBytes => _layers.Sum(l => (long)l.Count) * _options.BytesPerTokenPerLayer;

    public long MaxBytes(int layer) => Layer(layer).MaxTokens * _options.BytesPerTokenPerLayer;

    /// <summary>
    /// Makes each layer able to take incomingPerLayer[l] more rows spanning at most blockSpan positions: evicts by the
    /// policy where the budget would overflow and re-indexes positions where the span would run past the context.
    /// Returns what the tensors must keep.
    /// </summary>
    public CacheCompaction MakeRoom(ReadOnlySpan<int> incomingPerLayer, int blockSpan)
    {
        if (incomingPerLayer.Length != _layers.Length)
        {
            throw new ArgumentException($"{incomingPerLayer.Length} counts for {_layers.Length} layers", nameof(incomingPerLayer));
        }

        if (blockSpan < 0 || blockSpan > _options.MaxBlockSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(blockSpan), blockSpan, $"must be within 0..{_options.MaxBlockSpan}");
        }

        var plan = new int[]?[_layers.Length];
        var evicted = 0;
        for (var l = 0; l < _layers.Length; l++)
        {
            var layer = _layers[l];
            var incoming = incomingPerLayer[l];
            if (incoming < 0 || incoming > layer.MaxTokens || incoming > blockSpan)
            {
                throw new ArgumentOutOfRangeException(nameof(incomingPerLayer), incoming, $"layer {l} can take 0..{Math.Min(layer.MaxTokens, blockSpan)} rows at once");
            }

            if (layer.Count + incoming > layer.MaxTokens)
            {
                var promptRows = 0;
                foreach (var row in layer.Rows) promptRows += row.Kind == TokenKind.Prompt ? 1 : 0;
                var room = layer.MaxTokens - incoming;
                var kept = SelectKept(layer, Math.Max(Math.Min(promptRows, room), room - _options.EvictionHeadroom));
                evicted += layer.Count - kept.Length;
                layer.Keep(kept);
                layer.Reindex();
                plan[l] = kept;
            }
            else if ((long)layer.NextPosition + blockSpan + _options.QuestionReserve > _options.MaxPositions)
            {
                layer.Reindex();
                plan[l] = Enumerable.Range(0, layer.Count).ToArray();
            }
        }

        EvictedCount += evicted;
        if (evicted > 0 || plan.Any(p => p is not null)) _version++;
        return new CacheCompaction(plan) { EvictedCount = evicted };
    }

    /// <summary>Records a block appended to one layer; block[i].Position is the row's offset inside the block.</summary>
    public void Append(int layer, ReadOnlySpan<CachedToken> block)
    {
        Layer(layer).Append(block);
        _version++;
    }

    /// <summary>Folds the attention each row received in the latest window into its running score ([Count]).</summary>
    public void UpdateScores(int layer, ReadOnlySpan<float> fresh)
    {
        var rows = Layer(layer).MutableRows;
        if (fresh.Length != rows.Length) throw new ArgumentException($"{fresh.Length} scores for {rows.Length} rows", nameof(fresh));
        for (var i = 0; i < rows.Length; i++) rows[i].Score = Policy.CombineScore(rows[i].Score, fresh[i]);
        _version++;
    }

    /// <summary>Row counts now, to roll a question back to.</summary>
    public CacheMark Mark() => new(_layers.Select(l => l.Count).ToArray(), _version);

    /// <summary>Drops the rows appended since mark. Only appends may have happened since (no eviction, no score update).</summary>
    public void RollBack(CacheMark mark)
    {
        ArgumentNullException.ThrowIfNull(mark);
        if (mark.CountPerLayer.Count != _layers.Length) throw new ArgumentException("mark is from a cache of another shape", nameof(mark));
        for (var l = 0; l < _layers.Length; l++)
        {
            if (mark.CountPerLayer[l] > _layers[l].Count)
            {
                throw new InvalidOperationException($"layer {l} has {_layers[l].Count} rows, fewer than the mark's {mark.CountPerLayer[l]}: it was compacted since");
            }
        }

        for (var l = 0; l < _layers.Length; l++) _layers[l].Truncate(mark.CountPerLayer[l]);
    }

    private int[] SelectKept(LayerTokenSet layer, int keepCount)
    {
        // Prompt rows are never evicted; the policy chooses among the others.
        var rows = layer.Rows.ToArray();
        var prompt = new List<int>();
        var others = new List<int>();
        for (var i = 0; i < rows.Length; i++) (rows[i].Kind == TokenKind.Prompt ? prompt : others).Add(i);
        if (prompt.Count > keepCount) throw new InvalidOperationException($"the prompt alone ({prompt.Count} rows) exceeds the room left ({keepCount})");

        var candidates = others.Select(i => rows[i]).ToArray();
        var chosen = Policy.SelectKept(candidates, keepCount - prompt.Count);
        var previous = -1;
        foreach (var c in chosen)
        {
            if (c <= previous || c >= candidates.Length) throw new InvalidOperationException($"{Policy.Name} returned rows that are not ascending within 0..{candidates.Length - 1}");
            previous = c;
        }

        if (chosen.Length > keepCount - prompt.Count) throw new InvalidOperationException($"{Policy.Name} kept {chosen.Length} rows, more than {keepCount - prompt.Count}");
        return prompt.Concat(chosen.Select(c => others[c])).Order().ToArray();
    }

    private void CheckLayer(int layer)
    {
        if ((uint)layer >= (uint)_layers.Length) throw new ArgumentOutOfRangeException(nameof(layer), layer, $"must be within 0..{_layers.Length - 1}");
    }
}
