using FastAV.Live.Engine.Cache;
using FastAV.Live.Engine.Sessions;
using FastAV.Live.Models;
using FastAV.Live.Models.Decoder;
using FastAV.Live.Torch;

namespace FastAV.Live.Engine.Tests.Running;

/// <summary>A 4-layer GQA decoder with seeded random weights held in memory, and its weights for explicit checks.</summary>
internal sealed class TinyDecoder : IWeightSource, IDisposable
{
    private readonly Dictionary<string, Tensor> _weights = [];

    public TinyDecoder(ulong seed = 5)
    {
        Config = new DecoderConfig
        {
            HiddenSize = 32, IntermediateSize = 48, LayerCount = 4, AttentionHeadCount = 4, KeyValueHeadCount = 2,
            VocabSize = 50, RmsNormEps = 1e-6, RopeTheta = 10000, MaxPositionEmbeddings = 1024,
        };
        Torch.Torch.ManualSeed(seed);
        long d = Config.HiddenSize, m = Config.IntermediateSize, kv = Config.KeyValueHeadCount * Config.ResolvedHeadDim;
        Add("model.embed_tokens.weight", Config.VocabSize, d);
        for (var i = 0; i < Config.LayerCount; i++)
        {
            var p = $"model.layers.{i}.";
            Add(p + "input_layernorm.weight", d);
            Add(p + "post_attention_layernorm.weight", d);
            Add(p + "self_attn.q_proj.weight", d, d);
            Add(p + "self_attn.k_proj.weight", kv, d);
            Add(p + "self_attn.v_proj.weight", kv, d);
            Add(p + "self_attn.o_proj.weight", d, d);
            Add(p + "mlp.gate_proj.weight", m, d);
            Add(p + "mlp.up_proj.weight", m, d);
            Add(p + "mlp.down_proj.weight", d, m);
        }

        Add("model.norm.weight", d);
        Add("lm_head.weight", Config.VocabSize, d);
        Model = DecoderModel.Load(Config, this);
    }

    /// <summary>Windows of 2 frames × 4 tokens + 3 audio + separator = 12 tokens per second.</summary>
    public static readonly StreamSessionOptions WindowGeometry = new() { FramesPerWindow = 2, TokensPerFrame = 4, AudioTokensPerWindow = 3 };

    public static readonly long[] Prompt = [3, 1, 4, 1, 5];

    public DecoderConfig Config { get; }

    public DecoderModel Model { get; }

    public IEnumerable<string> Names => _weights.Keys;

    public bool Contains(string name) => _weights.ContainsKey(name);

    public Tensor Get(string name, params long[] expectedShape) => _weights[name].Clone();

    /// <summary>A stream's cache shaped for this decoder (4 layers, 2 KV heads × 8, float32) with the given budget.</summary>
    public RollingKvCacheOptions CacheOptions(int maxTokens = 40) => new()
    {
        LayerCount = 4,
        BytesPerTokenPerLayer = 2L * 2 * 8 * 4, // keys + values, 2 KV heads × head dim 8, float32
        Budget = new KvBudget { MaxTokens = maxTokens },
        MaxPositions = 1024,
        MaxBlockSpan = 32,
        QuestionReserve = 32,
    };

    /// <summary>A deterministic "encoder": a window's tokens become vocabulary embeddings chosen by window index and offset.</summary>
    public Tensor EmbedWindow(Window window) =>
        Model.Embed(Enumerable.Range(0, window.TokenCount).Select(i => (long)((window.Index * 7 + i * 3) % 50)).ToArray());

    /// <summary>A weight as plain floats, row-major.</summary>
    public float[] Floats(string name) => _weights[name].ToArray<float>();

    public void Dispose()
    {
        Model.Dispose();
        foreach (var t in _weights.Values) t.Dispose();
    }

    private void Add(string name, params long[] shape)
    {
        using var scope = new TensorScope();
        var t = shape.Length == 1
            ? Torch.Torch.Randn(shape).Mul(0.1).Add(1.0)
            : Torch.Torch.Randn(shape).Mul(1.0 / Math.Sqrt(shape[^1]));
        _weights[name] = t.DetachFromScopes();
    }
}
