namespace FastAV.Live.Server.Calibration;

/// <summary>Knobs of <see cref="RolloutCalibration"/>.</summary>
public sealed record RolloutCalibrationOptions
{
    /// <summary>Share of a window's media rollout influence the kept first N tokens must hold, in (0, 1].</summary>
    public double Mass { get; init; } = 0.9;

    /// <summary>Layer K of the global cut (1..layers−1); null is L/2, the engine's default.</summary>
    public int? Layer { get; init; }

    /// <summary>Rollout's residual mix α in Ã = α·A + (1−α)·I.</summary>
    public double Alpha { get; init; } = 0.5;
}
