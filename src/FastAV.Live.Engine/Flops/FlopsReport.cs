namespace FastAV.Live.Engine.Flops;

/// <summary>
/// Theoretical compute of one prefill (or answer) under a pruning schedule, next to the same work unpruned.
/// Counts are multiply-accumulates, as in FastV's convention.
/// </summary>
public sealed record FlopsReport
{
    /// <summary>Tokens that went through each layer, [layers].</summary>
    public required IReadOnlyList<int> TokensPerLayer { get; init; }

    /// <summary>Σ_l F(n_l) with F(n) = 4nd² + 2n²d + 2ndm (FastV convention).</summary>
    public required double Flops { get; init; }

    /// <summary>L · F(n₀): every layer sees all input tokens.</summary>
    public required double BaselineFlops { get; init; }

    /// <summary>The same schedule counted exactly for GQA projections and a 3-matrix SwiGLU FFN.</summary>
    public required double ExactFlops { get; init; }

    public required double ExactBaselineFlops { get; init; }

    /// <summary>KV bytes the kept tokens occupy over all layers.</summary>
    public required long KvBytes { get; init; }

    public required long BaselineKvBytes { get; init; }

    public double Ratio => BaselineFlops == 0 ? 1.0 : Flops / BaselineFlops;

    public double ExactRatio => ExactBaselineFlops == 0 ? 1.0 : ExactFlops / ExactBaselineFlops;
}
