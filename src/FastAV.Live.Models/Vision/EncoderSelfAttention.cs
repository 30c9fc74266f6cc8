using FastAV.Live.Models.Projectors;
using FastAV.Live.Torch;

namespace FastAV.Live.Models.Vision;

/// <summary>Bidirectional multi-head self-attention (no mask), softmax(q kᵀ / √headDim) v.</summary>
internal sealed class EncoderSelfAttention
{
    private readonly LinearLayer _q;
    private readonly LinearLayer _k;
    private readonly LinearLayer _v;
    private readonly LinearLayer _out;
    private readonly long _hidden;
    private readonly long _heads;

    public EncoderSelfAttention(ModuleWeights weights, string prefix, long hidden, long heads, bool keyBias)
    {
        _hidden = hidden;
        _heads = heads;
        _q = new LinearLayer(weights, prefix + ".q_proj", hidden, hidden);
        _k = new LinearLayer(weights, prefix + ".k_proj", hidden, hidden, keyBias);
        _v = new LinearLayer(weights, prefix + ".v_proj", hidden, hidden);
        _out = new LinearLayer(weights, prefix + ".out_proj", hidden, hidden);
    }

    /// <summary>[batch, tokens, hidden] -> [batch, tokens, hidden].</summary>
    public Tensor Forward(Tensor x)
    {
        using var scope = new TensorScope();
        var batch = x.Size(0);
        var tokens = x.Size(1);
        var headDim = _hidden / _heads;

        // [batch, tokens, hidden] -> [batch, heads, tokens, headDim]
        Tensor Split(Tensor t) => t.View(batch, tokens, _heads, headDim).Transpose(1, 2);

        var attended = Functional.ScaledDotProductAttention(Split(_q.Forward(x)), Split(_k.Forward(x)), Split(_v.Forward(x)));
        var merged = attended.Transpose(1, 2).Reshape(batch, tokens, _hidden);
        return scope.MoveToOuter(_out.Forward(merged));
    }
}
