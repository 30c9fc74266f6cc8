namespace FastAV.Live.Models.Config;

/// <summary>
/// FastAV's global keep rule as fastav.json gives it (measured: <see cref="KeepRuleCalibrationConfig"/>; stated:
/// <see cref="KeepRuleConfig"/>): at layer <see cref="GlobalLayer"/> keep the first <see cref="KeepFirstMediaTokens"/>
/// media tokens of each window. Bounds against the decoder and the window layout are checked when the model loads.
/// </summary>
public abstract record KeepFirstRule
{
    /// <summary>Layer K of the global cut (1..layers−1).</summary>
    public required int GlobalLayer { get; init; }

    /// <summary>Media tokens kept per window, in window order (1..media tokens per window).</summary>
    public required int KeepFirstMediaTokens { get; init; }

    /// <summary>The rule as a pair.</summary>
    public (int GlobalLayer, int KeepFirstMediaTokens) Rule => (GlobalLayer, KeepFirstMediaTokens);
}
