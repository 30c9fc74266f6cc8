namespace FastAV.Live.Models.Decoder;

/// <summary>One block's rows [Start, Start + Length) of a layer's stacked input, and the cache it attends over.</summary>
internal readonly record struct LayerSegment(
    long Start,
    long Length,
    long[] Positions,
    LayerKv Kv,
    int[]? CachedSlots,
    LastQueryAttention? LastQuery,
    AttentionMaps? Maps);
