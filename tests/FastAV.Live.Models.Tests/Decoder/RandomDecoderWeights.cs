using FastAV.Live.Models.Decoder;
using FastAV.Live.Torch;

namespace FastAV.Live.Models.Tests.Decoder;

/// <summary>In-memory random weights under Hugging Face names for a config (tests that need no reference).</summary>
internal sealed class RandomDecoderWeights : IWeightSource, IDisposable
{
    private readonly Dictionary<string, Tensor> _tensors = [];

    public RandomDecoderWeights(DecoderConfig config, ulong seed = 7, DType dtype = DType.Float32)
    {
        Torch.Torch.ManualSeed(seed);
        var (d, m, v) = ((long)config.HiddenSize, (long)config.IntermediateSize, (long)config.VocabSize);
        var q = (long)config.AttentionHeadCount * config.ResolvedHeadDim;
        var kv = (long)config.KeyValueHeadCount * config.ResolvedHeadDim;
        Add("model.embed_tokens.weight", dtype, v, d);
        for (var i = 0; i < config.LayerCount; i++)
        {
            var p = $"model.layers.{i}.";
            Add(p + "input_layernorm.weight", dtype, d);
            Add(p + "post_attention_layernorm.weight", dtype, d);
            Add(p + "self_attn.q_proj.weight", dtype, q, d);
            Add(p + "self_attn.k_proj.weight", dtype, kv, d);
            Add(p + "self_attn.v_proj.weight", dtype, kv, d);
            Add(p + "self_attn.o_proj.weight", dtype, d, q);
            if (config.AttentionBias)
            {
                Add(p + "self_attn.q_proj.bias", dtype, q);
                Add(p + "self_attn.k_proj.bias", dtype, kv);
                Add(p + "self_attn.v_proj.bias", dtype, kv);
            }

            Add(p + "mlp.gate_proj.weight", dtype, m, d);
            Add(p + "mlp.up_proj.weight", dtype, m, d);
            Add(p + "mlp.down_proj.weight", dtype, d, m);
        }

        Add("model.norm.weight", dtype, d);
        if (!config.TieWordEmbeddings)
        {
            Add("lm_head.weight", dtype, v, d);
        }
    }

    public IEnumerable<string> Names => _tensors.Keys;

    public bool Contains(string name) => _tensors.ContainsKey(name);

    /// <summary>A fresh copy each time: the model owns what it gets.</summary>
    public Tensor Get(string name, params long[] expectedShape) => _tensors[name].Clone();

    public void Remove(string name)
    {
        _tensors[name].Dispose();
        _tensors.Remove(name);
    }

    public void Replace(string name, Tensor tensor)
    {
        _tensors.GetValueOrDefault(name)?.Dispose();
        _tensors[name] = tensor.DetachFromScopes();
    }

    public void Dispose()
    {
        foreach (var t in _tensors.Values)
        {
            t.Dispose();
        }
    }

    private void Add(string name, DType dtype, params long[] shape)
    {
        using var scope = new TensorScope();
        var scale = 1.0 / Math.Sqrt(shape[^1]);
        _tensors[name] = Torch.Torch.Randn(shape).Mul(shape.Length == 1 ? 0.1 : scale).Add(shape.Length == 1 ? 1.0 : 0.0).To(dtype).DetachFromScopes();
    }
}
