namespace FastAV.Live.Engine.Tests.Running;

/// <summary>
/// One attention layer written out on plain doubles for checking: RMSNorm, q/k projections, RoPE (rotate-half),
/// the full causal score map [heads, T, T], row softmax; returns the last query's row averaged over heads.
/// </summary>
internal static class ExplicitAttention
{
    public static float[] LastRowMeanOverHeads(TinyDecoder tiny, int layer, float[] hidden, long[] positions)
    {
        var c = tiny.Config;
        int d = c.HiddenSize, heads = c.AttentionHeadCount, kvHeads = c.KeyValueHeadCount, hd = c.ResolvedHeadDim, t = positions.Length;
        var p = $"model.layers.{layer}.";
        var norm = tiny.Floats(p + "input_layernorm.weight");
        var wq = tiny.Floats(p + "self_attn.q_proj.weight"); // [heads·hd, d]
        var wk = tiny.Floats(p + "self_attn.k_proj.weight"); // [kvHeads·hd, d]

        var x = new double[t, d];
        for (var i = 0; i < t; i++)
        {
            double ms = 0;
            for (var j = 0; j < d; j++) ms += (double)hidden[i * d + j] * hidden[i * d + j];
            var scale = 1 / Math.Sqrt(ms / d + c.RmsNormEps);
            for (var j = 0; j < d; j++) x[i, j] = hidden[i * d + j] * scale * norm[j];
        }

        var q = Rotate(Project(x, wq, heads * hd), positions, heads, hd, c.RopeTheta);
        var k = Rotate(Project(x, wk, kvHeads * hd), positions, kvHeads, hd, c.RopeTheta);

        var row = new double[t];
        for (var h = 0; h < heads; h++)
        {
            var g = h / (heads / kvHeads);
            var map = new double[t, t];
            for (var i = 0; i < t; i++)
            {
                var max = double.NegativeInfinity;
                for (var j = 0; j <= i; j++)
                {
                    double s = 0;
                    for (var e = 0; e < hd; e++) s += q[i, h * hd + e] * k[j, g * hd + e];
                    map[i, j] = s / Math.Sqrt(hd);
                    max = Math.Max(max, map[i, j]);
                }

                double sum = 0;
                for (var j = 0; j <= i; j++) sum += map[i, j] = Math.Exp(map[i, j] - max);
                for (var j = 0; j <= i; j++) map[i, j] /= sum;
            }

            for (var j = 0; j < t; j++) row[j] += map[t - 1, j] / heads;
        }

        return row.Select(v => (float)v).ToArray();
    }

    private static double[,] Project(double[,] x, float[] w, int outSize)
    {
        int t = x.GetLength(0), d = x.GetLength(1);
        var y = new double[t, outSize];
        for (var i = 0; i < t; i++)
        {
            for (var o = 0; o < outSize; o++)
            {
                double s = 0;
                for (var j = 0; j < d; j++) s += x[i, j] * w[o * d + j];
                y[i, o] = s;
            }
        }

        return y;
    }

    // Rotate-half RoPE: pairs (e, e + hd/2) turn by position · θ^(−2e/hd).
    private static double[,] Rotate(double[,] y, long[] positions, int heads, int hd, double theta)
    {
        var r = (double[,])y.Clone();
        var half = hd / 2;
        for (var i = 0; i < positions.Length; i++)
        {
            for (var h = 0; h < heads; h++)
            {
                for (var e = 0; e < half; e++)
                {
                    var angle = positions[i] * Math.Pow(theta, -2.0 * e / hd);
                    double a = y[i, h * hd + e], b = y[i, h * hd + e + half];
                    r[i, h * hd + e] = a * Math.Cos(angle) - b * Math.Sin(angle);
                    r[i, h * hd + e + half] = b * Math.Cos(angle) + a * Math.Sin(angle);
                }
            }
        }

        return r;
    }
}
