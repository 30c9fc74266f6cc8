using FastAV.Live.Engine.Calibration;

namespace FastAV.Live.Engine.Tests.Calibration;

public sealed class CalibrationTests
{
    [Fact]
    public void RolloutMixesTheResidualAndMultipliesLayers()
    {
        float[] a1 = [1, 0, 0.5f, 0.5f];
        float[] a2 = [1, 0, 1, 0];
        // Ã1 = [[1,0],[0.25,0.75]], Ã2 = [[1,0],[0.5,0.5]], R = Ã2·Ã1 = [[1,0],[0.625,0.375]].
        var rollout = AttentionRollout.Rollout([a1, a2], 2, 2);
        Assert.Equal([1, 0, 0.625, 0.375], rollout);
        Assert.Equal([1.625, 0.375], AttentionRollout.Influence(rollout, 2));
        Assert.Equal([1, 0, 0, 1], AttentionRollout.Rollout([a1, a2], 2, 0));
        Assert.Equal([1, 0, 0.5, 0.5], AttentionRollout.Rollout([a1, a2], 2, 1, alpha: 1));
    }

    [Fact]
    public void InfluenceByLayerEqualsTheRolloutOfEachDepth()
    {
        float[] a1 = [1, 0, 0.5f, 0.5f];
        float[] a2 = [1, 0, 1, 0];
        var byLayer = AttentionRollout.InfluenceByLayer([a1, a2], 2);
        Assert.Equal(2, byLayer.Length);
        Assert.Equal([1.25, 0.75], byLayer[0]); // Ã1 column sums
        Assert.Equal([1.625, 0.375], byLayer[1]);
        Assert.Throws<ArgumentException>(() => AttentionRollout.InfluenceByLayer([a1, new float[3]], 2));
    }

    [Fact]
    public void RolloutRejectsBadMaps()
    {
        Assert.Throws<ArgumentException>(() => AttentionRollout.Rollout([new float[3]], 2, 1));
        Assert.Throws<ArgumentException>(() => AttentionRollout.Rollout([[float.NaN, 0, 0, 1]], 2, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => AttentionRollout.Rollout([new float[4]], 2, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => AttentionRollout.Rollout([new float[4]], 2, 1, alpha: 2));
        Assert.Throws<ArgumentException>(() => AttentionRollout.Influence(new double[3], 2));
    }

    [Fact]
    public void CalibrationKeepsTheEarliestTokensHoldingTheTargetShare()
    {
        var calibrator = new KeepRuleCalibrator(0.9);
        Assert.Throws<InvalidOperationException>(() => calibrator.Rule());
        calibrator.AddSample([5, 3, 1, 0.5, 0.5]);
        calibrator.AddSample([5, 3, 1, 0.5, 0.5]);
        var rule = calibrator.Rule(layer: 14);
        Assert.Equal(3, rule.MediaTokensKept); // 9 of 10 by the third token
        Assert.Equal(14, rule.Layer);
        var flat = new KeepRuleCalibrator(1.0);
        flat.AddSample([1, 1, 1, 1, 1]);
        Assert.Equal(5, flat.Rule().MediaTokensKept);
        Assert.Throws<ArgumentException>(() => calibrator.AddSample([double.NaN]));
        Assert.Throws<ArgumentException>(() => calibrator.AddSample([-1]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new KeepRuleCalibrator(0));
    }

    [Fact]
    public void HeatMapIsAScaledGrayscalePgm()
    {
        var pgm = HeatMap.Pgm([0, 1, 2, 4], 2, 2, scale: 2);
        var header = "P5\n4 4\n255\n"u8.ToArray();
        Assert.Equal(header, pgm.Take(header.Length));
        var pixels = pgm.Skip(header.Length).ToArray();
        Assert.Equal(16, pixels.Length);
        Assert.Equal([0, 0, 64, 64, 0, 0, 64, 64, 128, 128, 255, 255, 128, 128, 255, 255], pixels.Select(p => (int)p));
        Assert.Throws<ArgumentException>(() => HeatMap.Pgm([0, 1, 2], 2, 2));
        Assert.Throws<ArgumentException>(() => HeatMap.Pgm([0, double.PositiveInfinity, 2, 3], 2, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => HeatMap.Pgm(new double[4], 2, 2, scale: 65));
        Assert.Throws<ArgumentOutOfRangeException>(() => HeatMap.Pgm(new double[1_000_000], 1000, 1000, scale: 64));
    }

    [Fact]
    public void HeatMapSvgLabelsEveryCellAndDrawsTheCut()
    {
        var svg = HeatMap.Svg([0.1, 0.2, 0.3, 0.4, 0.5, 0.6], ["layer 1", "layer 2"], ["v0", "v1", "a<0>"], "t & t", (1, 2));
        Assert.StartsWith("<svg", svg, StringComparison.Ordinal);
        Assert.Equal(6, svg.Split("<rect x=").Length - 1);
        Assert.Contains(">60.0</text>", svg, StringComparison.Ordinal);
        Assert.Contains("a&lt;0&gt;", svg, StringComparison.Ordinal);
        Assert.Contains("t &amp; t", svg, StringComparison.Ordinal);
        Assert.Contains($"<line x1=\"{90 + (2 * HeatMap.SvgCell)}\" y1=\"{50 + HeatMap.SvgCell}\"", svg, StringComparison.Ordinal);
        Assert.Contains("fill=\"rgb(30,85,155)\"", svg, StringComparison.Ordinal); // the largest value, darkest
        Assert.Throws<ArgumentException>(() => HeatMap.Svg([0.1, 0.2], ["a"], ["b"], "t"));
        Assert.Throws<ArgumentException>(() => HeatMap.Svg([double.NaN], ["a"], ["b"], "t"));
        Assert.Throws<ArgumentOutOfRangeException>(() => HeatMap.Svg([], [], ["b"], "t"));
    }
}
