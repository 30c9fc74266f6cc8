namespace FastAV.Live.Engine.Flops;

/// <summary>
/// FLOPs accounting for pruned prefills and decodes (formulas in FASTAV.md). Pure arithmetic on token counts.
/// Terms are doubles: a 28-layer prefill of tens of thousands of tokens overflows nothing and ratios stay exact enough.
/// </summary>
public sealed class FlopsCounter
{
    private readonly double _d;
    private readonly double _m;
    private readonly double _dkv;

    public FlopsCounter(DecoderGeometry geometry, int bytesPerElement = 2)
    {
        ArgumentNullException.ThrowIfNull(geometry);
        if (bytesPerElement is not (1 or 2 or 4 or 8))
        {
            throw new ArgumentOutOfRangeException(nameof(bytesPerElement), bytesPerElement, "must be 1, 2, 4 or 8");
        }

        Geometry = geometry;
        BytesPerElement = bytesPerElement;
        _d = geometry.HiddenSize;
        _m = geometry.FfnSize;
        _dkv = geometry.KvSize;
    }

    public DecoderGeometry Geometry { get; }

    public int BytesPerElement { get; }

    /// <summary>FastV convention for one layer: n new tokens attending over c cached plus themselves.
    /// With c = 0 this is F(n) = 4nd² + 2n²d + 2ndm.</summary>
    public double LayerFlops(long tokens, long cachedTokens = 0)
    {
        CheckCounts(tokens, cachedTokens);
        double n = tokens;
        return 4 * n * _d * _d + 2 * n * (cachedTokens + n) * _d + 2 * n * _d * _m;
    }

    /// <summary>Exact count for one layer: q and o 2nd², k and v 2n·d·d_kv, attention 2n(c+n)d, SwiGLU 3ndm.</summary>
    public double ExactLayerFlops(long tokens, long cachedTokens = 0)
    {
        CheckCounts(tokens, cachedTokens);
        double n = tokens;
        return 2 * n * _d * _d + 2 * n * _d * _dkv + 2 * n * (cachedTokens + n) * _d + 3 * n * _d * _m;
    }

    /// <summary>One decoded token over a cache of c tokens, one layer: (4d² + 2dm) + 2dc.</summary>
    public double DecodeLayerFlops(long cachedTokens) => LayerFlops(1, cachedTokens) - 2 * _d;

    /// <summary>Exact count of one decoded token over c cached tokens, one layer.</summary>
    public double ExactDecodeLayerFlops(long cachedTokens) => ExactLayerFlops(1, cachedTokens) - 2 * _d;

    /// <summary>A prefill schedule: tokensPerLayer[l] tokens enter layer l. The baseline runs tokensPerLayer[0] through every layer.
    /// cachedPerLayer (optional) are the tokens already cached at each layer that the new ones attend to (the baseline
    /// attends to the same cache). baselineTokens (optional) is the block before any pruning ahead of the LLM.</summary>
    public FlopsReport Prefill(ReadOnlySpan<int> tokensPerLayer, ReadOnlySpan<int> cachedPerLayer = default, int? baselineTokens = null)
    {
        var layers = Geometry.LayerCount;
        if (tokensPerLayer.Length != layers)
        {
            throw new ArgumentException($"tokensPerLayer has {tokensPerLayer.Length} entries; the model has {layers} layers", nameof(tokensPerLayer));
        }

        if (!cachedPerLayer.IsEmpty && cachedPerLayer.Length != layers)
        {
            throw new ArgumentException($"cachedPerLayer has {cachedPerLayer.Length} entries; the model has {layers} layers", nameof(cachedPerLayer));
        }

        var n0 = baselineTokens ?? tokensPerLayer[0];
        if (n0 < tokensPerLayer[0])
        {
            throw new ArgumentOutOfRangeException(nameof(baselineTokens), n0, $"the baseline cannot have fewer tokens than the {tokensPerLayer[0]} entering layer 0");
        }

        double flops = 0, exact = 0, baseline = 0, exactBaseline = 0;
        long kept = 0;
        for (var l = 0; l < layers; l++)
        {
            var n = tokensPerLayer[l];
            if (n > n0)
            {
                throw new ArgumentException($"layer {l} has {n} tokens, more than the {n0} of the unpruned block", nameof(tokensPerLayer));
            }

            var c = cachedPerLayer.IsEmpty ? 0 : cachedPerLayer[l];
            flops += LayerFlops(n, c);
            exact += ExactLayerFlops(n, c);
            baseline += LayerFlops(n0, c);
            exactBaseline += ExactLayerFlops(n0, c);
            kept += n;
        }

        var perToken = Geometry.KvBytesPerTokenPerLayer(BytesPerElement);
        return new FlopsReport
        {
            TokensPerLayer = tokensPerLayer.ToArray(),
            Flops = flops,
            BaselineFlops = baseline,
            ExactFlops = exact,
            ExactBaselineFlops = exactBaseline,
            KvBytes = kept * perToken,
            BaselineKvBytes = (long)n0 * layers * perToken,
        };
    }

    /// <summary>Decode of R tokens over a cache that holds cachedPerLayer[l] tokens at layer l (each decoded token adds one).
    /// The baseline cache is baselineCached at every layer (the unpruned cache).</summary>
    public FlopsReport Decode(int decodedTokens, ReadOnlySpan<int> cachedPerLayer, int baselineCached)
    {
        var layers = Geometry.LayerCount;
        if (decodedTokens < 0) throw new ArgumentOutOfRangeException(nameof(decodedTokens), decodedTokens, "must not be negative");
        if (baselineCached < 0) throw new ArgumentOutOfRangeException(nameof(baselineCached), baselineCached, "must not be negative");
        if (cachedPerLayer.Length != layers)
        {
            throw new ArgumentException($"cachedPerLayer has {cachedPerLayer.Length} entries; the model has {layers} layers", nameof(cachedPerLayer));
        }

        double flops = 0, exact = 0, baseline = 0, exactBaseline = 0;
        long kept = 0;
        var perLayer = new int[layers];
        for (var l = 0; l < layers; l++)
        {
            var c = cachedPerLayer[l];
            if (c < 0) throw new ArgumentOutOfRangeException(nameof(cachedPerLayer), c, $"layer {l} has a negative cache size");
            for (var r = 0; r < decodedTokens; r++)
            {
                flops += DecodeLayerFlops(c + r);
                exact += ExactDecodeLayerFlops(c + r);
                baseline += DecodeLayerFlops(baselineCached + r);
                exactBaseline += ExactDecodeLayerFlops(baselineCached + r);
            }

            perLayer[l] = decodedTokens;
            kept += c + decodedTokens;
        }

        var perToken = Geometry.KvBytesPerTokenPerLayer(BytesPerElement);
        return new FlopsReport
        {
            TokensPerLayer = perLayer,
            Flops = flops,
            BaselineFlops = baseline,
            ExactFlops = exact,
            ExactBaselineFlops = exactBaseline,
            KvBytes = kept * perToken,
            BaselineKvBytes = (long)(baselineCached + decodedTokens) * layers * perToken,
        };
    }

    /// <summary>The FastAV schedule: n₀ tokens up to layer K, keptAtK at K, then ×(1−P) per later layer (floor of the dropped share).</summary>
    public static int[] FastAvSchedule(int layerCount, int inputTokens, int globalLayer, int keptAtGlobalLayer, double finePruneRatio)
    {
        if (layerCount <= 0) throw new ArgumentOutOfRangeException(nameof(layerCount), layerCount, "must be positive");
        if (inputTokens < 0) throw new ArgumentOutOfRangeException(nameof(inputTokens), inputTokens, "must not be negative");
        if (globalLayer < 0 || globalLayer > layerCount)
        {
            throw new ArgumentOutOfRangeException(nameof(globalLayer), globalLayer, "must be within 0..layers");
        }

        if (keptAtGlobalLayer < 0 || keptAtGlobalLayer > inputTokens)
        {
            throw new ArgumentOutOfRangeException(nameof(keptAtGlobalLayer), keptAtGlobalLayer, "must be within 0..inputTokens");
        }

        if (!(finePruneRatio >= 0 && finePruneRatio < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(finePruneRatio), finePruneRatio, "must be in [0, 1)");
        }

        var schedule = new int[layerCount];
        var n = inputTokens;
        for (var l = 0; l < layerCount; l++)
        {
            if (l == globalLayer) n = keptAtGlobalLayer;
            else if (l > globalLayer) n -= (int)Math.Floor(finePruneRatio * n);
            schedule[l] = n;
        }

        return schedule;
    }

    private static void CheckCounts(long tokens, long cachedTokens)
    {
        if (tokens < 0) throw new ArgumentOutOfRangeException(nameof(tokens), tokens, "must not be negative");
        if (cachedTokens < 0) throw new ArgumentOutOfRangeException(nameof(cachedTokens), cachedTokens, "must not be negative");
    }
}
