namespace FastAV.Live.Engine.Flops;

/// <summary>
/// The shape of a decoder LLM as far as compute and KV memory are concerned.
/// Qwen2-7B: 28 layers, hidden 3584, FFN 18944, 28 query heads, 4 KV heads, head dim 128.
/// </summary>
public sealed record DecoderGeometry
{
    public DecoderGeometry(int layerCount, int hiddenSize, int ffnSize, int headCount, int kvHeadCount, int? headDim = null)
    {
        if (layerCount <= 0) throw new ArgumentOutOfRangeException(nameof(layerCount), layerCount, "must be positive");
        if (hiddenSize <= 0) throw new ArgumentOutOfRangeException(nameof(hiddenSize), hiddenSize, "must be positive");
        if (ffnSize <= 0) throw new ArgumentOutOfRangeException(nameof(ffnSize), ffnSize, "must be positive");
        if (headCount <= 0) throw new ArgumentOutOfRangeException(nameof(headCount), headCount, "must be positive");
        if (kvHeadCount <= 0 || headCount % kvHeadCount != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(kvHeadCount), kvHeadCount, "must be positive and divide the head count");
        }

        var dim = headDim ?? hiddenSize / headCount;
        if (dim <= 0) throw new ArgumentOutOfRangeException(nameof(headDim), headDim, "must be positive");

        LayerCount = layerCount;
        HiddenSize = hiddenSize;
        FfnSize = ffnSize;
        HeadCount = headCount;
        KvHeadCount = kvHeadCount;
        HeadDim = dim;
    }

    /// <summary>Qwen2-7B decoder geometry (VideoLLaMA2, video-SALMONN2).</summary>
    public static DecoderGeometry Qwen2_7B { get; } = new(28, 3584, 18944, 28, 4, 128);

    public int LayerCount { get; }

    public int HiddenSize { get; }

    public int FfnSize { get; }

    public int HeadCount { get; }

    public int KvHeadCount { get; }

    public int HeadDim { get; }

    /// <summary>Width of the K (or V) projection: KV heads × head dim.</summary>
    public int KvSize => KvHeadCount * HeadDim;

    /// <summary>Bytes one token occupies in one layer's KV cache (keys and values).</summary>
    public long KvBytesPerTokenPerLayer(int bytesPerElement) => 2L * KvSize * bytesPerElement;
}
