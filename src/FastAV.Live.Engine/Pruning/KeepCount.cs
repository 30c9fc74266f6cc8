namespace FastAV.Live.Engine.Pruning;

/// <summary>How a keep ratio becomes a token count: round half away from zero, clamped to [0, media].</summary>
public static class KeepCount
{
    public static int FromRatio(double ratio, int mediaCount)
    {
        if (!(ratio >= 0 && ratio <= 1)) throw new ArgumentOutOfRangeException(nameof(ratio), ratio, "must be in [0, 1]");
        return Math.Clamp((int)Math.Round(ratio * mediaCount, MidpointRounding.AwayFromZero), 0, mediaCount);
    }
}
