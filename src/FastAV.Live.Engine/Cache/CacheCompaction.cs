namespace FastAV.Live.Engine.Cache;

/// <summary>
/// What ModelRunner must do to the KV tensors: for each layer either nothing (null) or keep exactly these rows,
/// ascending, in this order (index_select along the token axis). Positions are read back from the cache.
/// </summary>
public sealed record CacheCompaction(IReadOnlyList<int[]?> KeptRowsPerLayer)
{
    public bool IsEmpty => KeptRowsPerLayer.All(rows => rows is null);

    /// <summary>Rows evicted over all layers.</summary>
    public int EvictedCount { get; init; }
}
