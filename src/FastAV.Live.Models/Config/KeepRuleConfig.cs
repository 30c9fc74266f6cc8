namespace FastAV.Live.Models.Config;

/// <summary>
/// fastav.json's optional "keep_rule": FastAV's global keep rule as the model's author states it, not measured — at layer
/// <see cref="GlobalLayer"/> keep the first <see cref="KeepFirstMediaTokens"/> media tokens of each window, and why
/// (<see cref="Basis"/>). For models whose attention cannot be calibrated meaningfully (random weights, capacity runs):
/// <c>{"global_layer": 14, "keep_first_media_tokens": 77, "basis": "the paper's shape: ~50 % at K = L/2"}</c>.
/// A "calibration" (measured by <c>fastav calibrate</c>) takes precedence. Bounds are checked when the model loads.
/// </summary>
public sealed record KeepRuleConfig : KeepFirstRule
{
    /// <summary>Where the rule comes from, in words (shown with the model; required, so a stated rule is never mistaken for a measured one).</summary>
    public required string Basis { get; init; }

    internal static KeepRuleConfig? Read(ConfigJson? json)
    {
        if (json is null)
        {
            return null;
        }

        var basis = json.OptionalString("basis");
        if (string.IsNullOrWhiteSpace(basis))
        {
            throw json.Missing("basis");
        }

        return new KeepRuleConfig
        {
            GlobalLayer = json.PositiveInt("global_layer", max: 4096),
            KeepFirstMediaTokens = json.PositiveInt("keep_first_media_tokens", max: 1 << 20),
            Basis = basis,
        };
    }
}
