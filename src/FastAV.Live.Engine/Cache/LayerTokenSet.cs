namespace FastAV.Live.Engine.Cache;

/// <summary>
/// The rows one layer holds, in timeline order, in a buffer sized once to the layer's budget (compaction moves rows
/// down in place; nothing is reallocated while streaming).
/// </summary>
public sealed class LayerTokenSet
{
    private readonly CachedToken[] _rows;

    internal LayerTokenSet(int maxTokens)
    {
        MaxTokens = maxTokens;
        _rows = new CachedToken[maxTokens];
    }

    public int MaxTokens { get; }

    public int Count { get; private set; }

    public ReadOnlySpan<CachedToken> Rows => _rows.AsSpan(0, Count);

    /// <summary>Position the next appended block starts at.</summary>
    public int NextPosition => Count == 0 ? 0 : _rows[Count - 1].Position + 1;

    /// <summary>Highest position in use, −1 when empty.</summary>
    public int MaxPosition => NextPosition - 1;

    internal Span<CachedToken> MutableRows => _rows.AsSpan(0, Count);

    /// <summary>Keeps exactly the given ascending rows, moved down in place.</summary>
    internal void Keep(ReadOnlySpan<int> keptRows)
    {
        var previous = -1;
        for (var j = 0; j < keptRows.Length; j++)
        {
            var i = keptRows[j];
            if (i <= previous || i >= Count) throw new InvalidOperationException($"kept rows must be ascending and below {Count}; got {i} after {previous}");
            _rows[j] = _rows[i];
            previous = i;
        }

        Count = keptRows.Length;
    }

    /// <summary>Positions become 0..Count−1, order kept: a stream of any length stays inside the model's context.</summary>
    internal void Reindex()
    {
        for (var i = 0; i < Count; i++) _rows[i].Position = i;
    }

    internal void Append(ReadOnlySpan<CachedToken> block)
    {
        if (Count + block.Length > MaxTokens)
        {
            throw new InvalidOperationException($"appending {block.Length} rows to {Count} would exceed the layer budget of {MaxTokens}");
        }

        var start = NextPosition;
        var previous = -1;
        foreach (var row in block)
        {
            if (row.Position <= previous) throw new ArgumentException("block offsets must be ascending and non-negative", nameof(block));
            previous = row.Position;
            _rows[Count++] = row with { Position = start + row.Position };
        }
    }

    internal void Truncate(int count) => Count = count;
}
