namespace FastAV.Live.Server.Calibration;

/// <summary>What <see cref="RolloutCalibration"/> measured and the keep rule it chose.</summary>
public sealed record RolloutCalibrationResult
{
    /// <summary>Layer K the rule is for.</summary>
    public required int GlobalLayer { get; init; }

    /// <summary>N: the smallest count of first media tokens holding at least <see cref="TargetMass"/> at layer K.</summary>
    public required int KeepFirstMediaTokens { get; init; }

    public required double TargetMass { get; init; }

    /// <summary>Mean share the first N media tokens hold at layer K (≥ <see cref="TargetMass"/>).</summary>
    public required double KeptMass { get; init; }

    public required double Alpha { get; init; }

    /// <summary>
    /// Mean share of a window's media rollout influence at each position within the window, after l = 1..L layers:
    /// [layers][media tokens per window]; each row sums to 1. Row K − 1 is what the rule is read from.
    /// </summary>
    public required double[][] ShareByLayer { get; init; }

    /// <summary>The same criterion's N after each layer, [layers].</summary>
    public required int[] KeepByLayer { get; init; }

    public required int Streams { get; init; }

    /// <summary>Windows measured over all streams (each one sample).</summary>
    public required int Windows { get; init; }

    public required int VideoTokensPerWindow { get; init; }

    public required int AudioTokensPerWindow { get; init; }

    /// <summary>Tokens of one sample stream's sequence (prefix and every window).</summary>
    public required int SequenceTokens { get; init; }
}
