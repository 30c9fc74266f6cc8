using FastAV.Live.LoadTests.Capacity;
using Contract = FastAV.Live.Contracts.V1;

namespace FastAV.Live.LoadTests.Tests.Capacity;

public sealed class CapacitySearchTests
{
    private static LevelMeasurement Level(int n, int capacity, double flops) =>
        n <= capacity ? new LevelMeasurement(100, 500 + n, 10 * n, 20 * n, 0, 0, 0, flops) : new LevelMeasurement(900, 1500, 10 * n, 20 * n, n % 2, 0, 0, flops);

    [Fact]
    public async Task FindsEachArmsCapacityAlternatingArms()
    {
        var arms = new[] { new CapacityArm("tiny", Contract.PruningPolicy.None), new CapacityArm("tiny", Contract.PruningPolicy.Fastav) };
        var capacity = new Dictionary<CapacityArm, int> { [arms[0]] = 37, [arms[1]] = 12 };
        var order = new List<(CapacityArm, int)>();
        var result = await CapacitySearch.RunAsync(arms, (arm, n, _) =>
        {
            order.Add((arm, n));
            return Task.FromResult(Level(n, capacity[arm], arm.Policy == Contract.PruningPolicy.None ? 1 : 0.9));
        }, new CapacityOptions { StartStreams = 4, MaxStreams = 256, Resolution = 0 });

        Assert.Equal([37, 12], result.Rows.Select(r => r.MaxStreams));
        Assert.Equal(["unpruned", "fastav"], result.Rows.Select(r => r.Policy));
        Assert.Equal(537, result.Rows[0].P95Ms);
        Assert.Equal(0.9, result.Rows[1].FlopsRatio);
        // Doubling then bisection: 4, 8, 16, 32, 64, then 48, 40, 36, 38, 37 for the first arm.
        Assert.Equal([4, 8, 16, 32, 64, 48, 40, 36, 38, 37], order.Where(o => o.Item1 == arms[0]).Select(o => o.Item2));
        // Arms alternate while both search.
        Assert.Equal(arms[0], order[0].Item1);
        Assert.Equal(arms[1], order[1].Item1);
        Assert.Equal(arms[0], order[2].Item1);
        Assert.All(result.Levels, l => Assert.Equal(l.Streams <= capacity[arms.Single(a => a.PolicyName == l.Policy)], l.Passed));
        Assert.Contains(result.Levels, l => l.Why.Contains("p95 1500 ms", StringComparison.Ordinal));
    }

    [Fact]
    public async Task StopsAtMaxStreamsAndWhenEvenOneStreamFails()
    {
        var arm = new CapacityArm("tiny", Contract.PruningPolicy.Fastav);
        var capped = await CapacitySearch.RunAsync([arm], (_, n, _) => Task.FromResult(Level(n, 1000, 1)), new CapacityOptions { StartStreams = 4, MaxStreams = 20 });
        Assert.Equal(20, capped.Rows[0].MaxStreams);
        Assert.Single(capped.Notes);

        var none = await CapacitySearch.RunAsync([arm], (_, n, _) => Task.FromResult(Level(n, 0, 1)), new CapacityOptions { StartStreams = 4 });
        Assert.Equal(0, none.Rows[0].MaxStreams);
        Assert.Equal([4, 2, 1], none.Levels.Select(l => l.Streams));
        Assert.True(double.IsNaN(none.Rows[0].P95Ms));
    }

    [Fact]
    public async Task EachArmMayStartAtItsOwnSize()
    {
        // A small model and a large one in one run: the large one's arms start at 1 stream, the small one's at the search's 8.
        var small = new CapacityArm("tiny", Contract.PruningPolicy.None);
        var large = new CapacityArm("camera", Contract.PruningPolicy.None, StartStreams: 1);
        var capacity = new Dictionary<CapacityArm, int> { [small] = 20, [large] = 3 };
        var order = new List<(CapacityArm Arm, int N)>();
        var result = await CapacitySearch.RunAsync([small, large], (arm, n, _) =>
        {
            order.Add((arm, n));
            return Task.FromResult(Level(n, capacity[arm], 1));
        }, new CapacityOptions { StartStreams = 8, MaxStreams = 64, Resolution = 0 });

        Assert.Equal([20, 3], result.Rows.Select(r => r.MaxStreams));
        Assert.Equal([1, 2, 4, 3], order.Where(o => o.Arm == large).Select(o => o.N));
        Assert.Equal(8, order.First(o => o.Arm == small).N);
        await Assert.ThrowsAsync<ArgumentException>(() => CapacitySearch.RunAsync([large with { StartStreams = 100 }], (_, n, _) => Task.FromResult(Level(n, 1, 1)), new CapacityOptions { StartStreams = 1, MaxStreams = 64 }));
    }

    [Fact]
    public void TheCriterionIsP95BelowTheLimitAndNoDroppedWindow()
    {
        Assert.Equal("", CapacitySearch.Why(new LevelMeasurement(1, 999, 5, 5, 0, 0, 0, 1), 1000));
        Assert.Equal("p95 1000 ms ≥ 1000 ms", CapacitySearch.Why(new LevelMeasurement(1, 1000, 5, 5, 0, 0, 0, 1), 1000));
        Assert.Equal("2 windows dropped", CapacitySearch.Why(new LevelMeasurement(1, 10, 5, 5, 2, 0, 0, 1), 1000));
        Assert.Equal("no answer", CapacitySearch.Why(new LevelMeasurement(0, 0, 0, 5, 0, 0, 0, 1), 1000));
    }
}
