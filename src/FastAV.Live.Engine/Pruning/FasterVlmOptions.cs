namespace FastAV.Live.Engine.Pruning;

/// <summary>FasterVLM: rank media tokens by the vision encoder's [CLS] attention, before the LLM.</summary>
public sealed record FasterVlmOptions
{
    public double KeepRatio { get; init; } = 0.375;
}
