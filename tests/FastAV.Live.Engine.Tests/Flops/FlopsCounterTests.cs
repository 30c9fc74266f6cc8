using FastAV.Live.Engine.Flops;

namespace FastAV.Live.Engine.Tests.Flops;

public sealed class FlopsCounterTests
{
    // d 4, m 8, 2 heads of dim 2, 1 KV head: d_kv = 2.
    private static readonly DecoderGeometry Tiny = new(2, 4, 8, 2, 1);

    [Fact]
    public void LayerFlopsFollowTheFastVFormula()
    {
        var counter = new FlopsCounter(Tiny);
        Assert.Equal(456, counter.LayerFlops(3)); // 4·3·16 + 2·9·4 + 2·3·4·8
        Assert.Equal(288, counter.LayerFlops(2));
        Assert.Equal(336, counter.LayerFlops(2, cachedTokens: 3)); // attention 2·2·(3+2)·4
        Assert.Equal(0, counter.LayerFlops(0));
    }

    [Fact]
    public void ExactCountUsesGqaAndThreeMatrixSwiGlu()
    {
        var counter = new FlopsCounter(Tiny);
        Assert.Equal(504, counter.ExactLayerFlops(3)); // 2·3·16 + 2·3·4·2 + 2·9·4 + 3·3·4·8
        Assert.Equal(320, counter.ExactLayerFlops(2));
    }

    [Fact]
    public void ScheduleSumsLayersAgainstTheUnprunedBaseline()
    {
        var report = new FlopsCounter(Tiny).Prefill([3, 2]);
        Assert.Equal(744, report.Flops);
        Assert.Equal(912, report.BaselineFlops);
        Assert.Equal(824, report.ExactFlops);
        Assert.Equal(1008, report.ExactBaselineFlops);
        Assert.Equal(744.0 / 912, report.Ratio, 12);
        Assert.Equal(40, report.KvBytes); // 5 kept rows × (2 × 2 × 2 B)
        Assert.Equal(48, report.BaselineKvBytes);
    }

    [Fact]
    public void PruningBeforeTheLlmCountsAgainstTheWholeBlock()
    {
        var report = new FlopsCounter(Tiny).Prefill([2, 2], baselineTokens: 3);
        Assert.Equal(576, report.Flops);
        Assert.Equal(912, report.BaselineFlops);
        Assert.Throws<ArgumentOutOfRangeException>(() => new FlopsCounter(Tiny).Prefill([3, 2], baselineTokens: 2));
    }

    [Fact]
    public void DecodeCostsWeightsPlusAttentionOverTheCache()
    {
        var counter = new FlopsCounter(Tiny);
        Assert.Equal(168, counter.DecodeLayerFlops(5)); // 4·16 + 2·4·8 + 2·4·5
        var report = counter.Decode(2, [5, 3], baselineCached: 5);
        Assert.Equal(168 + 176 + 152 + 160, report.Flops);
        Assert.Equal(2 * (168 + 176), report.BaselineFlops);
        Assert.Equal(counter.ExactDecodeLayerFlops(5) + counter.ExactDecodeLayerFlops(6) + counter.ExactDecodeLayerFlops(3) + counter.ExactDecodeLayerFlops(4), report.ExactFlops);
    }

    [Fact]
    public void PaperConsistencyExampleGivesAbout056()
    {
        var geometry = DecoderGeometry.Qwen2_7B;
        var schedule = FlopsCounter.FastAvSchedule(28, 2000, 14, 750, 0.2);
        Assert.Equal(2000, schedule[13]);
        Assert.Equal(750, schedule[14]);
        Assert.Equal(600, schedule[15]);
        Assert.Equal(480, schedule[16]);
        Assert.Equal(44, schedule[27]);

        var report = new FlopsCounter(geometry).Prefill(schedule);
        Assert.InRange(report.Ratio, 0.555, 0.565);

        // Hand computation of the same sum with the formula written out.
        double d = 3584, m = 18944;
        double F(double n) => 4 * n * d * d + 2 * n * n * d + 2 * n * d * m;
        var expected = schedule.Sum(n => F(n)) / (28 * F(2000));
        Assert.Equal(expected, report.Ratio, 12);
        Assert.Equal(0.5608, report.Ratio, 3);
    }

    [Fact]
    public void Qwen2GeometryNumbersMatchTheNotes()
    {
        var geometry = DecoderGeometry.Qwen2_7B;
        Assert.Equal(56 * 1024, geometry.KvBytesPerTokenPerLayer(2) * geometry.LayerCount);
        // "Prefill of 1,500 tokens ≈ 20 TFLOP": exact MACs × 2 FLOPs each.
        var exact = new FlopsCounter(geometry).Prefill(Enumerable.Repeat(1500, 28).ToArray()).ExactFlops * 2;
        Assert.InRange(exact, 19e12, 21.5e12);
    }

    [Fact]
    public void MalformedSchedulesAreRejected()
    {
        var counter = new FlopsCounter(Tiny);
        Assert.Throws<ArgumentException>(() => counter.Prefill([3]));
        Assert.Throws<ArgumentException>(() => counter.Prefill([2, 3]));
        Assert.Throws<ArgumentOutOfRangeException>(() => counter.Prefill([3, -1]));
        Assert.Throws<ArgumentException>(() => counter.Prefill([3, 2], [1]));
        Assert.Throws<ArgumentOutOfRangeException>(() => counter.Decode(-1, [1, 1], 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new FlopsCounter(Tiny, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => new DecoderGeometry(2, 4, 8, 3, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => FlopsCounter.FastAvSchedule(28, 100, 14, 200, 0.2));
        Assert.Throws<ArgumentOutOfRangeException>(() => FlopsCounter.FastAvSchedule(28, 100, 14, 50, 1.0));
        Assert.Throws<ArgumentOutOfRangeException>(() => FlopsCounter.FastAvSchedule(28, 100, 14, 50, double.NaN));
    }
}
