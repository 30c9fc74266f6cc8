namespace FastAV.Live.Engine.Pruning;

/// <summary>DivPrune: a diverse subset of the projected media tokens, before the LLM.</summary>
public sealed record DivPruneOptions
{
    public double KeepRatio { get; init; } = 0.375;
}
