using FastAV.Live.LoadTests.Stats;

namespace FastAV.Live.LoadTests.Tests.Stats;

/// <summary>Percentiles, mean, stddev, buckets, RPS and status codes against brute force on seeded samples.</summary>
public sealed class MeasurementAccumulatorTests
{
    [Theory]
    [InlineData(1, 1000)]
    [InlineData(2, 50_000)]
    [InlineData(3, 7)]
    public void StatsMatchBruteForce(int seed, int count)
    {
        var random = new Random(seed);
        // Log-normal-ish latencies from 0.05 ms to minutes, and sizes, with a few status codes.
        var samples = Enumerable.Range(0, count).Select(_ => (Ms: Math.Round(Math.Exp((random.NextDouble() * 12) - 3), 3), Bytes: (long)random.Next(0, 100_000), Code: random.Next(10) == 0 ? "UNAVAILABLE" : "OK")).ToList();
        var acc = new MeasurementAccumulator();
        foreach (var s in samples) acc.Record(s.Ms, s.Bytes, s.Code, "");
        var duration = 12.5;
        var stats = acc.ToStats(duration, count * 2, isError: false);

        var sorted = samples.Select(s => s.Ms).Order().ToArray();
        foreach (var (p, got) in new[] { (50.0, stats.Latency.Percent50), (75.0, stats.Latency.Percent75), (95.0, stats.Latency.Percent95), (99.0, stats.Latency.Percent99) })
        {
            var exact = sorted[Math.Max(1, (long)((p / 100 * count) + 0.5)) - 1]; // HdrHistogram's rank: round(p·n), at least 1
            // HdrHistogram at 3 significant digits, in µs: within 0.1 % of the value (and the 1 µs unit).
            Assert.InRange(got, exact - 0.001, (exact * 1.001) + 0.001);
        }

        var mean = sorted.Average();
        var std = Math.Sqrt(sorted.Sum(x => (x - mean) * (x - mean)) / count);
        Assert.Equal(mean, stats.Latency.MeanMs, 1e-9 * Math.Max(1, mean));
        Assert.Equal(std, stats.Latency.StdDev, 1e-6 * Math.Max(1, std));
        Assert.Equal(sorted[0], stats.Latency.MinMs);
        Assert.Equal(sorted[^1], stats.Latency.MaxMs);
        Assert.Equal(sorted.Count(x => x <= 800), stats.Latency.LatencyCount.LessOrEq800);
        Assert.Equal(sorted.Count(x => x > 800 && x < 1200), stats.Latency.LatencyCount.More800Less1200);
        Assert.Equal(sorted.Count(x => x >= 1200), stats.Latency.LatencyCount.MoreOrEq1200);
        Assert.Equal(count / duration, stats.Request.RPS, 1e-9);
        Assert.Equal(50.0, stats.Request.Percent);
        Assert.Equal(samples.Sum(s => s.Bytes), stats.DataTransfer.AllBytes);
        Assert.Equal(samples.Min(s => s.Bytes), stats.DataTransfer.MinBytes);
        Assert.Equal(samples.Max(s => s.Bytes), stats.DataTransfer.MaxBytes);
        var unavailable = samples.Count(s => s.Code == "UNAVAILABLE");
        if (unavailable > 0)
        {
            var code = stats.StatusCodes.Single(c => c.StatusCode == "UNAVAILABLE");
            Assert.Equal(unavailable, code.Count);
            Assert.Equal(Math.Round(100.0 * unavailable / (count * 2), 2), code.Percent);
        }
    }

    [Fact]
    public void EmptyStatsAreZerosAndTimeoutsAreNamed()
    {
        var acc = new MeasurementAccumulator();
        var empty = acc.ToStats(10, 0, false);
        Assert.Equal(0, empty.Request.Count);
        Assert.Equal(0, empty.Latency.Percent99);
        acc.Record(5, 0, StatusCodes.Timeout, "deadline");
        acc.Record(double.NaN, -3, StatusCodes.ClientException, "");
        var stats = acc.ToStats(0, 2, true);
        Assert.Equal(0, stats.Request.RPS);
        Assert.Equal("timeout: deadline", stats.StatusCodes.Single(c => c.StatusCode == "-100").Message);
        Assert.Equal("client exception", stats.StatusCodes.Single(c => c.StatusCode == "-101").Message);
        Assert.Equal(0, stats.Latency.MinMs);
    }

    [Fact]
    public void SlopeIsLeastSquaresPerMinute()
    {
        var points = Enumerable.Range(0, 10).Select(i => (TimeSpan.FromSeconds(30 * i), 100.0 + (7 * i * 0.5))); // +3.5 per half minute = 7 per minute
        Assert.Equal(7, FastAV.Live.LoadTests.Streaming.StreamingMetrics.Slope(points), 9);
        Assert.True(double.IsNaN(FastAV.Live.LoadTests.Streaming.StreamingMetrics.Slope([(TimeSpan.Zero, 1.0)])));
    }
}
