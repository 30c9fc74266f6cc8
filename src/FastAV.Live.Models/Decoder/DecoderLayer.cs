using FastAV.Live.Torch;

namespace FastAV.Live.Models.Decoder;

/// <summary>Pre-norm block: h = x + attention(norm(x)); out = h + mlp(norm(h)).</summary>
internal sealed class DecoderLayer : IDisposable
{
    public DecoderLayer(DecoderConfig config, RotaryEmbedding rope, DecoderWeights weights, int index, string prefix)
    {
        Index = index;
        var p = $"{prefix}layers.{index}.";
        InputNorm = new RmsNorm(weights.Get(p + "input_layernorm.weight", config.HiddenSize), config.RmsNormEps);
        Attention = new DecoderAttention(config, rope, weights, p + "self_attn.");
        PostAttentionNorm = new RmsNorm(weights.Get(p + "post_attention_layernorm.weight", config.HiddenSize), config.RmsNormEps);
        Mlp = new DecoderMlp(config, weights, p + "mlp.");
    }

    public int Index { get; }

    public RmsNorm InputNorm { get; }

    public DecoderAttention Attention { get; }

    public RmsNorm PostAttentionNorm { get; }

    public DecoderMlp Mlp { get; }

    /// <summary>x [T, hidden] -> [T, hidden]; the block's keys and values are appended to <paramref name="kv"/>.</summary>
    public Tensor Forward(Tensor x, ReadOnlySpan<long> positions, LayerKv kv, int[]? cachedSlots, LastQueryAttention? lastQuery, AttentionMaps? maps = null) =>
        Forward(x, [new LayerSegment(0, x.Size(0), positions.ToArray(), kv, cachedSlots, lastQuery, maps)]);

    /// <summary>Stacked blocks x [ΣT, hidden] -> [ΣT, hidden]: norms and MLP over all rows, attention per segment.</summary>
    public Tensor Forward(Tensor x, IReadOnlyList<LayerSegment> segments)
    {
        using var scope = new TensorScope();
        var h = x.Add(Attention.Forward(InputNorm.Forward(x), segments, Index));
        return scope.MoveToOuter(h.Add(Mlp.Forward(PostAttentionNorm.Forward(h))));
    }

    public void Dispose()
    {
        InputNorm.Dispose();
        Attention.Dispose();
        PostAttentionNorm.Dispose();
        Mlp.Dispose();
    }
}
