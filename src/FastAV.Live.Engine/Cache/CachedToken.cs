namespace FastAV.Live.Engine.Cache;

/// <summary>One row of one layer's KV cache, as bookkeeping: what the token is and what eviction may look at.</summary>
public record struct CachedToken
{
    /// <summary>Index of the token in the stream's timeline (its original position).</summary>
    public long TimelineIndex { get; init; }

    public TokenKind Kind { get; init; }

    /// <summary>Media time of the token in seconds.</summary>
    public double MediaTime { get; init; }

    /// <summary>Window the token came from.</summary>
    public long Window { get; init; }

    /// <summary>Position used for RoPE, re-indexed inside the cache. On Append: the offset inside the appended block.</summary>
    public int Position { get; set; }

    /// <summary>Running importance (attention received, accumulated as the eviction policy says).</summary>
    public float Score { get; set; }

    /// <summary>‖V‖/‖K‖ of the token at this layer (PagedEviction).</summary>
    public float ValueKeyRatio { get; init; }

    /// <summary>‖V‖ of the token at this layer (InfiniPot-V).</summary>
    public float ValueNorm { get; init; }

    /// <summary>Cosine similarity to the same spatial token of the previous frame (InfiniPot-V temporal redundancy).</summary>
    public float Redundancy { get; init; }
}
