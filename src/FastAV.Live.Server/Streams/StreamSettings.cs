using FastAV.Live.Contracts.V1;

namespace FastAV.Live.Server.Streams;

/// <summary>A stream's effective pruning, KV cache and window settings: StreamOpen's values with the server's defaults filled in.</summary>
public sealed record StreamSettings(PruningConfig Pruning, KvCacheConfig KvCache, uint WindowMs)
{
    /// <summary>Fills in defaults; <paramref name="open"/> must have passed <see cref="StreamOpenValidator"/>.</summary>
    public static StreamSettings Resolve(StreamOpen open, LiveAnalyticsOptions options)
    {
        ArgumentNullException.ThrowIfNull(open);
        ArgumentNullException.ThrowIfNull(options);
        var pruning = open.Pruning?.Clone() ?? new PruningConfig();
        if (pruning.Policy == PruningPolicy.Unspecified)
        {
            pruning.Policy = PruningPolicy.Fastav;
        }

        if (!pruning.HasFineDropRatio)
        {
            pruning.FineDropRatio = pruning.Policy == PruningPolicy.Fastav ? options.DefaultFineDropRatio : 0f;
        }

        var cache = open.KvCache?.Clone() ?? new KvCacheConfig();
        if (cache.Eviction == KvEvictionPolicy.Unspecified)
        {
            cache.Eviction = KvEvictionPolicy.StreamingLlm;
        }

        if (cache.MaxTokensPerLayer == 0)
        {
            cache.MaxTokensPerLayer = (uint)options.DefaultKvTokensPerLayer;
        }

        if (cache.MaxKvBytes == 0)
        {
            cache.MaxKvBytes = (ulong)options.MaxKvBytesPerStream;
        }

        if (cache.SinkTokens == 0 && cache.Eviction == KvEvictionPolicy.StreamingLlm)
        {
            cache.SinkTokens = (uint)Math.Min(options.DefaultSinkTokens, cache.MaxTokensPerLayer - 1);
        }

        if (cache.RecentTokens == 0 && cache.Eviction == KvEvictionPolicy.StreamingLlm)
        {
            cache.RecentTokens = cache.MaxTokensPerLayer - cache.SinkTokens;
        }

        if (!cache.HasForgettingFactor && cache.Eviction == KvEvictionPolicy.A2Sf)
        {
            cache.ForgettingFactor = options.DefaultForgettingFactor;
        }

        if (cache.BlockTokens == 0 && cache.Eviction == KvEvictionPolicy.Paged)
        {
            cache.BlockTokens = (uint)options.DefaultBlockTokens;
        }

        var window = open.WindowMs != 0 ? open.WindowMs : (uint)options.DefaultWindowMs;
        return new StreamSettings(pruning, cache, window);
    }
}
