using FastAV.Live.Models.Projectors;
using FastAV.Live.Torch;

namespace FastAV.Live.Models.Vision;

/// <summary>
/// One pre-norm encoder layer: x += attn(norm1(x)); x += fc2(act(fc1(norm2(x)))).
/// Tensor names under <c>{prefix}</c> per <see cref="EncoderLayerNames"/>.
/// </summary>
public sealed class EncoderLayer
{
    private readonly LayerNormLayer _attentionNorm;
    private readonly EncoderSelfAttention _attention;
    private readonly LayerNormLayer _mlpNorm;
    private readonly LinearLayer _fc1;
    private readonly LinearLayer _fc2;
    private readonly Activation _activation;

    internal EncoderLayer(
        ModuleWeights weights,
        string prefix,
        EncoderLayerNames names,
        long hidden,
        long heads,
        long ffn,
        double eps,
        Activation activation,
        bool keyBias)
    {
        _attentionNorm = new LayerNormLayer(weights, $"{prefix}.{names.AttentionNorm}", hidden, eps);
        _attention = new EncoderSelfAttention(weights, prefix + ".self_attn", hidden, heads, keyBias);
        _mlpNorm = new LayerNormLayer(weights, $"{prefix}.{names.MlpNorm}", hidden, eps);
        _fc1 = new LinearLayer(weights, $"{prefix}.{names.Fc1}", hidden, ffn);
        _fc2 = new LinearLayer(weights, $"{prefix}.{names.Fc2}", ffn, hidden);
        _activation = activation;
    }

    /// <summary>[batch, tokens, hidden] -> [batch, tokens, hidden].</summary>
    public Tensor Forward(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        using var scope = new TensorScope();
        var h = x + _attention.Forward(_attentionNorm.Forward(x));
        var mlp = _fc2.Forward(ActivationNames.Apply(_activation, _fc1.Forward(_mlpNorm.Forward(h))));
        return scope.MoveToOuter(h + mlp);
    }
}
