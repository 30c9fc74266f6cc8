namespace FastAV.Live.Media.Tests;

public sealed class FrameSamplerTests
{
    [Theory]
    [InlineData(7.5, 2.0, 0)]
    [InlineData(7.5, 10.0, 0)]
    [InlineData(25.0, 2.0, 0)]
    [InlineData(30.0, 4.0, 0)]
    [InlineData(59.94, 2.0, 0)]
    [InlineData(30000.0 / 1001, 1.0, 3000)]
    [InlineData(25.0, 2.0, 8000)]
    public void SelectsTheNearestFrameForEveryTick(double inputFps, double modelFps, int jitterMicroseconds)
    {
        var rng = new Random(11);
        var count = (int)Math.Round(inputFps * 10); // 10 s of media
        var pts = Enumerable.Range(0, count)
            .Select(i => 5_000_000 + (long)Math.Round(i * 1_000_000 / inputFps) + (i == 0 ? 0 : rng.Next(-jitterMicroseconds, jitterMicroseconds + 1)))
            .ToArray();
        var frames = pts.Select(p => new DecodedFrame(2, 2, p, new byte[12])).ToArray();

        var sampler = new FrameSampler(new FrameSamplerOptions { Fps = modelFps });
        var output = frames.SelectMany(sampler.Push).ToList();
        output.AddRange(sampler.Flush());

        var expected = NearestByBruteForce(pts, modelFps);
        Assert.Equal(expected, output.Select(o => Array.IndexOf(frames, o.Frame)).ToArray());
        Assert.Equal(Enumerable.Range(0, expected.Length).Select(k => (long)k), output.Select(o => o.TickIndex));
        var distinct = expected.Distinct().Count();
        Assert.Equal(count - distinct, sampler.Stats.DroppedFrameCount);
        Assert.Equal(expected.Length - distinct, sampler.Stats.DuplicatedFrameCount);
        Assert.Equal(expected.Length, sampler.Stats.OutputFrameCount);
    }

    [Fact]
    public void DuplicateAndBackwardsFramesAreCountedLate()
    {
        var sampler = new FrameSampler(new FrameSamplerOptions { Fps = 10 });
        long[] pts = [0, 100_000, 100_000, 50_000, 200_000];
        var output = pts.SelectMany(p => sampler.Push(new DecodedFrame(1, 1, p, new byte[3]))).ToList();
        output.AddRange(sampler.Flush());
        Assert.Equal(2, sampler.Stats.LateFrameCount);
        Assert.Equal([0L, 100_000, 200_000], output.Select(o => o.Frame.PtsMicroseconds));
        Assert.Throws<ArgumentOutOfRangeException>(() => new FrameSampler(new FrameSamplerOptions { Fps = double.NaN }));
    }

    /// <summary>Tick k at first + k/fps, while before last + half an interval; nearest frame, the earlier on a tie.</summary>
    private static int[] NearestByBruteForce(long[] pts, double fps)
    {
        var interval = 1_000_000 / fps;
        var result = new List<int>();
        for (var k = 0; ; k++)
        {
            var tick = pts[0] + (long)Math.Round(k * interval);
            if (tick - pts[^1] >= interval / 2)
            {
                break;
            }

            var best = 0;
            for (var i = 1; i < pts.Length; i++)
            {
                if (Math.Abs(pts[i] - tick) < Math.Abs(pts[best] - tick))
                {
                    best = i;
                }
            }

            result.Add(best);
        }

        return [.. result];
    }
}
