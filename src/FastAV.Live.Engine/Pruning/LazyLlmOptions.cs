namespace FastAV.Live.Engine.Pruning;

/// <summary>LazyLLM: at chosen layers, per generation step, drop media tokens below a percentile of the last token's attention.</summary>
public sealed record LazyLlmOptions
{
    /// <summary>Layers that prune, ascending.</summary>
    public IReadOnlyList<int> Layers { get; init; } = [7, 14, 21];

    /// <summary>Percentile dropped at each of Layers (share of the media tokens alive there).</summary>
    public IReadOnlyList<double> Percentiles { get; init; } = [0.1, 0.2, 0.3];
}
