using FastAV.Live.Engine.Pruning;

namespace FastAV.Live.Engine.Calibration;

/// <summary>
/// Turns rollout influence of sample streams into FastAV's positional rule: keep the first N media tokens, N the
/// smallest count whose cumulative influence reaches the target share of all media influence (averaged over samples).
/// </summary>
public sealed class KeepRuleCalibrator
{
    private readonly double _share;
    private double[] _sum = [];
    private int _samples;

    public KeepRuleCalibrator(double influenceShare = 0.9)
    {
        if (!(influenceShare > 0 && influenceShare <= 1)) throw new ArgumentOutOfRangeException(nameof(influenceShare), influenceShare, "must be in (0, 1]");
        _share = influenceShare;
    }

    public int SampleCount => _samples;

    /// <summary>Adds one sample: the influence of each media token in timeline order.</summary>
    public void AddSample(ReadOnlySpan<double> mediaInfluence)
    {
        foreach (var v in mediaInfluence)
        {
            if (!double.IsFinite(v) || v < 0) throw new ArgumentException("influence must be finite and non-negative", nameof(mediaInfluence));
        }

        if (mediaInfluence.Length > _sum.Length) Array.Resize(ref _sum, mediaInfluence.Length);
        for (var i = 0; i < mediaInfluence.Length; i++) _sum[i] += mediaInfluence[i];
        _samples++;
    }

    /// <summary>The calibrated rule; throws before any sample.</summary>
    public KeepFirstOptions Rule(int? layer = null)
    {
        if (_samples == 0) throw new InvalidOperationException("no samples to calibrate from");
        var total = _sum.Sum();
        if (total == 0) return new KeepFirstOptions { MediaTokensKept = _sum.Length, Layer = layer };
        double running = 0;
        for (var i = 0; i < _sum.Length; i++)
        {
            running += _sum[i];
            if (running >= _share * total - 1e-12) return new KeepFirstOptions { MediaTokensKept = i + 1, Layer = layer };
        }

        return new KeepFirstOptions { MediaTokensKept = _sum.Length, Layer = layer };
    }
}
