namespace FastAV.Live.Models.Config;

/// <summary>
/// fastav.json's optional "calibration" (written by <c>fastav calibrate --write-model</c>): FastAV's global keep rule
/// measured by attention rollout on sample streams — at layer <see cref="GlobalLayer"/> keep the first
/// <see cref="KeepFirstMediaTokens"/> media tokens of each window, which held <see cref="Mass"/> of the rollout
/// influence. <c>{"global_layer": 2, "keep_first_media_tokens": 9, "mass": 0.9}</c>. Bounds against the decoder and the
/// window layout are checked when the model loads.
/// </summary>
public sealed record KeepRuleCalibrationConfig : KeepFirstRule
{
    /// <summary>The rollout mass share the calibration asked for, in (0, 1].</summary>
    public required double Mass { get; init; }

    internal static KeepRuleCalibrationConfig? Read(ConfigJson? json)
    {
        if (json is null)
        {
            return null;
        }

        var mass = json.OptionalDouble("mass") ?? throw json.Missing("mass");
        if (!(mass > 0 && mass <= 1))
        {
            throw json.Bad("mass", "must be a share in (0, 1]", mass);
        }

        return new KeepRuleCalibrationConfig
        {
            GlobalLayer = json.PositiveInt("global_layer", max: 4096),
            KeepFirstMediaTokens = json.PositiveInt("keep_first_media_tokens", max: 1 << 20),
            Mass = mass,
        };
    }
}
