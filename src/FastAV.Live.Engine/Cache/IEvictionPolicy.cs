namespace FastAV.Live.Engine.Cache;

/// <summary>
/// Eviction over time, on plain rows: which cached rows of one layer stay when the layer must shrink.
/// Prompt rows are protected by the cache and never offered.
/// </summary>
public interface IEvictionPolicy
{
    string Name { get; }

    /// <summary>Combines a token's running score with the attention it received in the latest window.</summary>
    float CombineScore(float running, float fresh);

    /// <summary>Ascending indices into rows of at most keepCount rows to keep (rows are in timeline order).</summary>
    int[] SelectKept(ReadOnlySpan<CachedToken> rows, int keepCount);
}
