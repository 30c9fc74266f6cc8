namespace FastAV.Live.Engine.Running;

/// <summary>Where pruning cuts and how answers are bounded.</summary>
public sealed record ModelRunnerOptions
{
    /// <summary>Layer K of the global cut when the policy names none; null is L/2.</summary>
    public int? GlobalLayer { get; init; }

    /// <summary>Longest answer decoded.</summary>
    public int MaxNewTokens { get; init; } = 64;
}
