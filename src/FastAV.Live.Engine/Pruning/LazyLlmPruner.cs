namespace FastAV.Live.Engine.Pruning;

/// <summary>
/// Dynamic pruning per generation step. A token dropped at layer l in one step has its layer-l hidden state kept in an
/// auxiliary cache; if a later step keeps it alive at l, it resumes from there instead of being recomputed
/// (counted in RevivedCount). Bookkeeping only: the caller computes the attention rows.
/// </summary>
public sealed class LazyLlmPruner
{
    private readonly LazyLlmOptions _options;
    private readonly Dictionary<int, double> _percentileAt = [];
    private readonly HashSet<(int Token, int Layer)> _aux = [];
    private TokenKind[] _kinds = [];
    private int[] _alive = [];

    public LazyLlmPruner(LazyLlmOptions? options = null)
    {
        _options = options ?? new LazyLlmOptions();
        if (_options.Layers.Count != _options.Percentiles.Count)
        {
            throw new ArgumentException($"{_options.Layers.Count} layers but {_options.Percentiles.Count} percentiles", nameof(options));
        }

        for (var i = 0; i < _options.Layers.Count; i++)
        {
            var p = _options.Percentiles[i];
            if (!(p >= 0 && p < 1)) throw new ArgumentOutOfRangeException(nameof(options), p, "percentiles must be in [0, 1)");
            if (_options.Layers[i] < 0 || !_percentileAt.TryAdd(_options.Layers[i], p))
            {
                throw new ArgumentException($"layer {_options.Layers[i]} is negative or listed twice", nameof(options));
            }
        }
    }

    /// <summary>Tokens that came back from the auxiliary cache over all steps.</summary>
    public int RevivedCount { get; private set; }

    /// <summary>(token, layer) hidden states held in the auxiliary cache.</summary>
    public int AuxCacheCount => _aux.Count;

    /// <summary>Token indices alive at the current layer of the current step, ascending.</summary>
    public IReadOnlyList<int> Alive => _alive;

    /// <summary>Starts a step over the whole sequence (the last token is the query).</summary>
    public void BeginStep(TokenKind[] kinds)
    {
        ArgumentNullException.ThrowIfNull(kinds);
        _kinds = kinds;
        _alive = Enumerable.Range(0, kinds.Length).ToArray();
    }

    /// <summary>Enters a layer with the last token's attention over the alive tokens ([Alive.Count]); returns the tokens alive after it.</summary>
    public int[] EnterLayer(int layer, ReadOnlySpan<float> attentionOverAlive)
    {
        if (attentionOverAlive.Length != _alive.Length)
        {
            throw new ArgumentException($"{attentionOverAlive.Length} scores for {_alive.Length} alive tokens", nameof(attentionOverAlive));
        }

        foreach (var t in _alive)
        {
            if (_aux.Remove((t, layer))) RevivedCount++;
        }

        if (!_percentileAt.TryGetValue(layer, out var percentile)) return _alive;

        var last = _kinds.Length - 1;
        var media = new List<int>();
        for (var i = 0; i < _alive.Length; i++)
        {
            if (_kinds[_alive[i]].IsMedia() && _alive[i] != last) media.Add(i);
        }

        var scores = attentionOverAlive.ToArray();
        var drop = (int)Math.Floor(percentile * media.Count);
        var dropped = media.OrderBy(i => scores[i]).ThenBy(i => i).Take(drop).Select(i => _alive[i]).ToHashSet();
        foreach (var t in dropped) _aux.Add((t, layer));
        _alive = _alive.Where(t => !dropped.Contains(t)).ToArray();
        return _alive;
    }
}
