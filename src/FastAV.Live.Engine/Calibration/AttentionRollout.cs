namespace FastAV.Live.Engine.Calibration;

/// <summary>
/// Attention rollout (offline analysis, never on the serving path): per layer the head-averaged map A_l [n, n]
/// (rows are queries), mixed with the residual Ã_l = α·A_l + (1−α)·I, multiplied R_K = Ã_K·…·Ã_1. Column sums of
/// R_K are each token's influence at layer K.
/// </summary>
public static class AttentionRollout
{
    /// <summary>R after the first layerCount maps, [n, n] row-major.</summary>
    public static double[] Rollout(IReadOnlyList<float[]> layerMaps, int tokens, int layerCount, double alpha = 0.5)
    {
        ArgumentNullException.ThrowIfNull(layerMaps);
        if (tokens < 1) throw new ArgumentOutOfRangeException(nameof(tokens), tokens, "must be positive");
        if (layerCount < 0 || layerCount > layerMaps.Count) throw new ArgumentOutOfRangeException(nameof(layerCount), layerCount, $"must be within 0..{layerMaps.Count}");
        if (!(alpha >= 0 && alpha <= 1)) throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "must be in [0, 1]");
        var n = tokens;
        var rollout = Identity(n);
        for (var l = 0; l < layerCount; l++)
        {
            rollout = Multiply(Mixed(layerMaps[l], n, l, alpha, nameof(layerMaps)), rollout, n);
        }

        return rollout;
    }

    // Ã_l = α·A_l + (1−α)·I, checked.
    private static double[] Mixed(float[]? map, int n, int l, double alpha, string paramName)
    {
        if (map is null) throw new ArgumentException($"layer {l} has no map", paramName);
        if (map.Length != (long)n * n) throw new ArgumentException($"layer {l} map has {map.Length} values, expected {n} × {n}", paramName);
        var mixed = new double[n * n];
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < n; j++)
            {
                var a = map[i * n + j];
                if (!float.IsFinite(a)) throw new ArgumentException($"layer {l} map has a non-finite value at ({i}, {j})", paramName);
                mixed[i * n + j] = alpha * a + (i == j ? 1 - alpha : 0);
            }
        }

        return mixed;
    }

    /// <summary>
    /// Influence (column sums of R_l) after each of the first l = 1..layerMaps.Count layers, [layers][n]: entry l − 1
    /// equals <see cref="Influence"/>(<see cref="Rollout"/>(layerMaps, n, l), n), computed in one pass.
    /// </summary>
    public static double[][] InfluenceByLayer(IReadOnlyList<float[]> layerMaps, int tokens, double alpha = 0.5)
    {
        ArgumentNullException.ThrowIfNull(layerMaps);
        var result = new double[layerMaps.Count][];
        var rollout = Rollout(layerMaps, tokens, 0, alpha);
        for (var l = 0; l < layerMaps.Count; l++)
        {
            rollout = Multiply(Mixed(layerMaps[l], tokens, l, alpha, nameof(layerMaps)), rollout, tokens);
            result[l] = Influence(rollout, tokens);
        }

        return result;
    }

    /// <summary>Column sums of a rollout [n, n]: how much every later token draws on each token.</summary>
    public static double[] Influence(double[] rollout, int tokens)
    {
        ArgumentNullException.ThrowIfNull(rollout);
        if (rollout.Length != (long)tokens * tokens) throw new ArgumentException($"rollout has {rollout.Length} values, expected {tokens} × {tokens}", nameof(rollout));
        var influence = new double[tokens];
        for (var i = 0; i < tokens; i++)
        {
            for (var j = 0; j < tokens; j++) influence[j] += rollout[i * tokens + j];
        }

        return influence;
    }

    private static double[] Identity(int n)
    {
        var identity = new double[n * n];
        for (var i = 0; i < n; i++) identity[i * n + i] = 1;
        return identity;
    }

    private static double[] Multiply(double[] a, double[] b, int n)
    {
        var c = new double[n * n];
        for (var i = 0; i < n; i++)
        {
            for (var k = 0; k < n; k++)
            {
                var aik = a[i * n + k];
                if (aik == 0) continue;
                for (var j = 0; j < n; j++) c[i * n + j] += aik * b[k * n + j];
            }
        }

        return c;
    }
}
