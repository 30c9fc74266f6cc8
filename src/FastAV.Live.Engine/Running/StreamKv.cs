using FastAV.Live.Engine.Cache;
using FastAV.Live.Models.Decoder;

namespace FastAV.Live.Engine.Running;

/// <summary>One stream's KV state: the decoder's per-layer tensors and the cache bookkeeping that decides over them.
/// The two always hold the same rows in the same order with the same positions.</summary>
public sealed class StreamKv : IDisposable
{
    internal StreamKv(DecoderKvCache tensors, RollingKvCache cache)
    {
        Tensors = tensors;
        Cache = cache;
    }

    public DecoderKvCache Tensors { get; }

    public RollingKvCache Cache { get; }

    /// <summary>The question being answered over this cache, if any: no prefill may run until it ends.</summary>
    public AnswerInProgress? ActiveAnswer { get; internal set; }

    /// <summary>Embeddings of the last frame prefilled, one row per spatial token (InfiniPot-V compares the next frame with it).</summary>
    internal float[][]? PreviousFrame { get; set; }

    public void Dispose() => Tensors.Dispose();
}
