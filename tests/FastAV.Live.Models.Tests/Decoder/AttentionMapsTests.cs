using System.Globalization;
using FastAV.Live.Models.Decoder;
using FastAV.Live.Torch;

namespace FastAV.Live.Models.Tests.Decoder;

/// <summary>
/// The offline full attention maps (heads averaged) against softmax(QKᵀ/√d + causal mask) computed here in double
/// precision from the layer's own weights: RMSNorm, q/k projections with bias, rotate-half RoPE, grouped KV heads.
/// </summary>
public sealed class AttentionMapsTests
{
    private static readonly DecoderConfig Config = DecoderModelTests.Config;

    [Fact]
    public void EveryLayersMapEqualsAnExplicitCausalSoftmax()
    {
        using var weights = new RandomDecoderWeights(Config, seed: 11);
        using var model = DecoderModel.Load(Config, weights);
        using var scope = new TensorScope();
        long[] ids = [4, 8, 15, 16, 23, 42, 7, 1, 33];
        long[] positions = [.. Enumerable.Range(3, ids.Length).Select(p => (long)p)];
        const int prefix = 5;

        // One block of all tokens, and the same tokens as a cached prefix then a block (the block-causal mask).
        using var whole = model.CreateCache();
        var maps = new AttentionMaps();
        var lastQuery = new LastQueryAttention();
        model.Forward(ids, positions, whole, lastQuery);
        using var again = model.CreateCache();
        model.RunLayers(model.Embed(ids), positions, again, 0, Config.LayerCount, maps: maps);
        using var split = model.CreateCache();
        var blockMaps = new AttentionMaps();
        model.Forward(ids[..prefix], positions[..prefix], split);
        model.RunLayers(model.Embed(ids[prefix..]), positions[prefix..], split, 0, Config.LayerCount, maps: blockMaps);

        Assert.Equal([0, 1, 2], maps.Layers);
        var n = ids.Length;
        for (var layer = 0; layer < Config.LayerCount; layer++)
        {
            using var fresh = model.CreateCache();
            var hidden = model.RunLayers(model.Embed(ids), positions, fresh, 0, layer).Contiguous().ToArray<float>();
            var expected = ExplicitMap(weights, layer, hidden, positions);

            Assert.Equal(n, maps.Rows(layer));
            Assert.Equal(n, maps.Cols(layer));
            Assert.Equal(Enumerable.Range(0, n), maps.Slots(layer));
            Within(expected, maps.Map(layer), $"layer {layer} full map");

            // The block after a cached prefix: rows prefix..n−1 of the full map.
            Assert.Equal(n - prefix, blockMaps.Rows(layer));
            Assert.Equal(n, blockMaps.Cols(layer));
            Within(expected.AsSpan(prefix * n).ToArray(), blockMaps.Map(layer), $"layer {layer} block map");

            // The serving path's one-row score is the last row of the full map.
            Within(expected.AsSpan((n - 1) * n).ToArray(), lastQuery.Row(layer), $"layer {layer} last-query row");
        }

        Assert.Throws<KeyNotFoundException>(() => maps.Map(3));
        maps.Clear();
        Assert.False(maps.Contains(0));
    }

    [Fact]
    public void TheServingPathRecordsNoMaps()
    {
        using var weights = new RandomDecoderWeights(Config);
        using var model = DecoderModel.Load(Config, weights);
        using var scope = new TensorScope();
        using var withMaps = model.CreateCache();
        using var without = model.CreateCache();
        var maps = new AttentionMaps();
        var a = model.Logits(model.RunLayers(model.Embed([1, 2, 3]), [0, 1, 2], withMaps, 0, Config.LayerCount, maps: maps)).ToArray<float>();
        var b = model.Forward([1, 2, 3], [0, 1, 2], without).ToArray<float>();
        Assert.Equal(b, a); // recording changes nothing computed
        Assert.Equal(3, maps.Layers.Count);
    }

    private static double[] ExplicitMap(RandomDecoderWeights weights, int layer, float[] hidden, long[] positions)
    {
        var (d, heads, kvHeads, hd) = (Config.HiddenSize, Config.AttentionHeadCount, Config.KeyValueHeadCount, Config.ResolvedHeadDim);
        var p = $"model.layers.{layer}.";
        float[] W(string name) { using var s = new TensorScope(); return weights.Get(p + name).Contiguous().ToArray<float>(); }
        var norm = W("input_layernorm.weight");
        var (qw, qb, kw, kb) = (W("self_attn.q_proj.weight"), W("self_attn.q_proj.bias"), W("self_attn.k_proj.weight"), W("self_attn.k_proj.bias"));
        var n = positions.Length;
        var q = new double[n, heads * hd];
        var k = new double[n, kvHeads * hd];
        for (var t = 0; t < n; t++)
        {
            double ms = 0;
            for (var c = 0; c < d; c++) ms += (double)hidden[t * d + c] * hidden[t * d + c];
            var inv = 1 / Math.Sqrt(ms / d + Config.RmsNormEps);
            var x = new double[d];
            for (var c = 0; c < d; c++) x[c] = hidden[t * d + c] * inv * norm[c];
            for (var o = 0; o < heads * hd; o++) q[t, o] = qb[o] + Enumerable.Range(0, d).Sum(c => qw[o * d + c] * x[c]);
            for (var o = 0; o < kvHeads * hd; o++) k[t, o] = kb[o] + Enumerable.Range(0, d).Sum(c => kw[o * d + c] * x[c]);
            Rope(q, t, heads, hd, positions[t]);
            Rope(k, t, kvHeads, hd, positions[t]);
        }

        var map = new double[n * n];
        for (var h = 0; h < heads; h++)
        {
            var g = h / (heads / kvHeads);
            for (var i = 0; i < n; i++)
            {
                var scores = new double[i + 1];
                for (var j = 0; j <= i; j++)
                {
                    scores[j] = Enumerable.Range(0, hd).Sum(e => q[i, (h * hd) + e] * k[j, (g * hd) + e]) / Math.Sqrt(hd);
                }

                var max = scores.Max();
                var sum = scores.Sum(s => Math.Exp(s - max));
                for (var j = 0; j <= i; j++) map[(i * n) + j] += Math.Exp(scores[j] - max) / sum / heads;
            }
        }

        return map;
    }

    // Hugging Face rotate-half RoPE: (x1, x2) → (x1·cos − x2·sin, x2·cos + x1·sin), angle = position / θ^(2i/hd).
    private static void Rope(double[,] x, int t, int heads, int hd, long position)
    {
        for (var h = 0; h < heads; h++)
        {
            for (var i = 0; i < hd / 2; i++)
            {
                var angle = position / Math.Pow(Config.RopeTheta, 2.0 * i / hd);
                var (a, b) = (x[t, (h * hd) + i], x[t, (h * hd) + i + (hd / 2)]);
                x[t, (h * hd) + i] = (a * Math.Cos(angle)) - (b * Math.Sin(angle));
                x[t, (h * hd) + i + (hd / 2)] = (b * Math.Cos(angle)) + (a * Math.Sin(angle));
            }
        }
    }

    private static void Within(double[] expected, float[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        var max = expected.Select((e, i) => Math.Abs(e - actual[i])).Max();
        Assert.True(max <= 1e-5, string.Create(CultureInfo.InvariantCulture, $"{what}: max abs diff {max:g3} > 1e-5"));
    }
}
