namespace FastAV.Live.Engine.Pruning;

/// <summary>
/// TransPrune's token transition variation (TTV) for one module: ‖out_i‖/‖in_i‖ × softmax_i(1 − cos(in_i, out_i)).
/// Summing it over modules and layers gives the score TransPrunePolicy ranks by.
/// </summary>
public static class TransitionVariation
{
    /// <summary>Adds one module's TTV to scores. input and output are [tokens, dim].</summary>
    public static void Accumulate(Span<float> scores, ReadOnlySpan<float> input, ReadOnlySpan<float> output, int dim)
    {
        var tokens = scores.Length;
        if (dim <= 0) throw new ArgumentOutOfRangeException(nameof(dim), dim, "must be positive");
        if (input.Length != (long)tokens * dim || output.Length != input.Length)
        {
            throw new ArgumentException($"input/output must be {tokens} × {dim}; got {input.Length} and {output.Length}");
        }

        if (tokens == 0) return;
        var change = new double[tokens];
        var magnitude = new double[tokens];
        var max = double.NegativeInfinity;
        for (var i = 0; i < tokens; i++)
        {
            var a = input.Slice(i * dim, dim);
            var b = output.Slice(i * dim, dim);
            change[i] = 1.0 - TokenRanking.Cosine(a, b);
            magnitude[i] = Norm(a) == 0 ? 0 : Norm(b) / Norm(a);
            max = Math.Max(max, change[i]);
        }

        double sum = 0;
        for (var i = 0; i < tokens; i++)
        {
            change[i] = Math.Exp(change[i] - max);
            sum += change[i];
        }

        for (var i = 0; i < tokens; i++) scores[i] += (float)(magnitude[i] * change[i] / sum);
    }

    private static double Norm(ReadOnlySpan<float> v)
    {
        double s = 0;
        foreach (var x in v) s += (double)x * x;
        return Math.Sqrt(s);
    }
}
