namespace FastAV.Live.Engine.Cache;

/// <summary>
/// Rows form blocks of BlockSize in cache order; the newest (possibly partial) block is never evicted; the blocks
/// with the lowest mean ‖V‖/‖K‖ go first until the rest fits. May keep fewer than keepCount (whole blocks only).
/// </summary>
public sealed class PagedEviction : IEvictionPolicy
{
    private readonly PagedEvictionOptions _options;

    public PagedEviction(PagedEvictionOptions? options = null)
    {
        _options = options ?? new PagedEvictionOptions();
        if (_options.BlockSize < 1) throw new ArgumentOutOfRangeException(nameof(options), _options.BlockSize, "BlockSize must be at least 1");
    }

    public string Name => "paged";

    public float CombineScore(float running, float fresh) => running + fresh;

    public int[] SelectKept(ReadOnlySpan<CachedToken> rows, int keepCount)
    {
        var keep = Math.Clamp(keepCount, 0, rows.Length);
        if (keep == rows.Length) return Enumerable.Range(0, rows.Length).ToArray();

        var size = _options.BlockSize;
        var blocks = (rows.Length + size - 1) / size;
        var importance = new double[blocks];
        for (var b = 0; b < blocks; b++)
        {
            var end = Math.Min(rows.Length, (b + 1) * size);
            double sum = 0;
            for (var i = b * size; i < end; i++) sum += rows[i].ValueKeyRatio;
            importance[b] = sum / (end - b * size);
        }

        var evicted = new bool[blocks];
        var remaining = rows.Length;
        var newest = blocks - 1;
        foreach (var b in Enumerable.Range(0, blocks).OrderBy(b => b == newest ? 1 : 0).ThenBy(b => importance[b]).ThenBy(b => b))
        {
            if (remaining <= keep) break;
            evicted[b] = true;
            remaining -= Math.Min(rows.Length, (b + 1) * size) - b * size;
        }

        var kept = new List<int>(remaining);
        for (var i = 0; i < rows.Length; i++)
        {
            if (!evicted[i / size]) kept.Add(i);
        }

        return kept.ToArray();
    }
}
