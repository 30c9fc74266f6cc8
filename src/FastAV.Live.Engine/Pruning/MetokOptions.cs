namespace FastAV.Live.Engine.Pruning;

/// <summary>METok: cut the window into events where adjacent frames differ most, then budget each event.</summary>
public sealed record MetokOptions
{
    /// <summary>Events per block: boundaries at the EventCount − 1 lowest adjacent-frame cosine similarities.</summary>
    public int EventCount { get; init; } = 4;

    /// <summary>Share of each event's media tokens kept (at least one per non-empty event).</summary>
    public double KeepRatio { get; init; } = 0.5;

    public int? Layer { get; init; }
}
