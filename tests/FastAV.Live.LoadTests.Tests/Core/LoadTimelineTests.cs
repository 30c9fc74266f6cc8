namespace FastAV.Live.LoadTests.Tests.Core;

/// <summary>The schedules of NBomber's load simulations, as plain functions of time (NBomber's own scheduler tests give the ramp values).</summary>
public sealed class LoadTimelineTests
{
    private static readonly TimeSpan S = TimeSpan.FromSeconds(1);

    [Theory]
    [InlineData(0, 20, 3, 1)] // NBomber: ramp-up 0 → 20 at 3 % = 0.6 → 1
    [InlineData(0, 100, 51, 51)]
    [InlineData(100, 200, 31, 131)]
    [InlineData(0, 100, 95, 95)]
    [InlineData(100, 0, 51, 49)] // ramp-down
    [InlineData(200, 100, 31, 169)]
    [InlineData(100, 0, 95, 5)]
    public void RampingConstantInterpolatesFromThePreviousCount(int from, int to, int percent, int expected)
    {
        var sims = from == 0
            ? new[] { Simulation.RampingConstant(to, 100 * S) }
            : [Simulation.KeepConstant(from, 10 * S), Simulation.RampingConstant(to, 100 * S)];
        var start = from == 0 ? TimeSpan.Zero : 10 * S;
        var timeline = LoadTimeline.Create(sims);
        Assert.Equal(LoadModel.Closed, timeline.Model);
        Assert.Equal(expected, timeline.CopiesAt(start + (percent * S)));
    }

    [Fact]
    public void NBombersRampUpHoldRampDownExample()
    {
        // RampingConstant(50, 30 s), KeepConstant(50, 30 s), RampingConstant(0, 30 s): [0, 30) ramps, [30, 60) holds, [60, 90) ramps down.
        var t = LoadTimeline.Create([Simulation.RampingConstant(50, 30 * S), Simulation.KeepConstant(50, 30 * S), Simulation.RampingConstant(0, 30 * S)]);
        Assert.Equal(90 * S, t.Duration);
        Assert.Equal([0, 25, 50, 50, 50, 25, 0], new[] { 0, 15, 30, 45, 60, 75, 90 }.Select(x => t.CopiesAt(x * S)));
        Assert.Equal(49, t.CopiesAt(29.5 * S)); // 49.17 rounds to 49
        Assert.Equal(0, t.CopiesAt(200 * S));
        Assert.Equal([(TimeSpan.Zero, 30 * S, 0), (30 * S, 60 * S, 50), (60 * S, 90 * S, 50)], t.Segments.Select(s => (s.Start, s.End, s.PreviousValue)));
    }

    [Fact]
    public void PauseRemovesClosedCopiesAndTheNextRampStartsFromZero()
    {
        var t = LoadTimeline.Create([Simulation.KeepConstant(10, 10 * S), Simulation.Pause(5 * S), Simulation.RampingConstant(20, 10 * S)]);
        Assert.Equal(10, t.CopiesAt(9 * S));
        Assert.Equal(0, t.CopiesAt(12 * S));
        Assert.Equal(10, t.CopiesAt(20 * S)); // halfway 0 → 20
    }

    [Fact]
    public void InjectInjectsItsRateEveryIntervalForItsDuration()
    {
        // NBomber's own test: Inject(rate 2, interval 1 s, during 20 s) makes 40 requests.
        var ticks = LoadTimeline.Create([Simulation.Inject(2, S, 20 * S)]).Ticks(new Random(1)).ToList();
        Assert.Equal(20, ticks.Count);
        Assert.Equal(40, ticks.Sum(t => t.Count));
        Assert.Equal(Enumerable.Range(0, 20).Select(k => k * S), ticks.Select(t => t.At));
    }

    [Fact]
    public void RampingInjectReachesTheTargetInItsLastIntervalAndStartsFromThePreviousRate()
    {
        var ticks = LoadTimeline.Create([Simulation.RampingInject(100, S, 100 * S)]).Ticks(new Random(1)).ToList();
        Assert.Equal(Enumerable.Range(1, 100), ticks.Select(t => t.Count)); // 0 → 100: interval k injects k + 1 (NBomber: 99 % → 99)

        var down = LoadTimeline.Create([Simulation.Inject(50, S, 2 * S), Simulation.RampingInject(0, S, 10 * S)]).Ticks(new Random(1)).ToList();
        Assert.Equal([50, 50, 45, 40, 35, 30, 25, 20, 15, 10, 5, 0], down.Select(t => t.Count));
        Assert.Equal(2 * S, down[2].At);

        // NBomber's scheduler test values: 1,000 → 100 at 2 % = 982, at 99 % = 109.
        var from1000 = LoadTimeline.Create([Simulation.Inject(1000, S, S), Simulation.RampingInject(100, S, 100 * S)]).Ticks(new Random(1)).Skip(1).ToList();
        Assert.Equal(982, from1000[1].Count);
        Assert.Equal(109, from1000[98].Count);
    }

    [Fact]
    public void InjectRandomDrawsWithinItsBoundsRepeatablyPerSeed()
    {
        var t = LoadTimeline.Create([Simulation.InjectRandom(50, 70, S, 200 * S)]);
        var a = t.Ticks(new Random(7)).Select(x => x.Count).ToList();
        Assert.Equal(a, t.Ticks(new Random(7)).Select(x => x.Count));
        Assert.All(a, c => Assert.InRange(c, 50, 70));
        Assert.Contains(50, a);
        Assert.Contains(70, a);
        Assert.InRange(a.Average(), 57, 63);
    }

    [Fact]
    public void ArrivalsOfAnIntervalAreSpreadEvenlyOverIt()
    {
        var tick = LoadTimeline.Create([Simulation.Pause(3 * S), Simulation.Inject(4, S, 2 * S)]).Ticks(new Random(1)).First();
        Assert.Equal(3 * S, tick.At);
        Assert.Equal([3000, 3250, 3500, 3750], Enumerable.Range(0, 4).Select(i => tick.ArrivalAt(i).TotalMilliseconds));
    }

    [Fact]
    public void IterationsForInjectInjectsUntilItsIterationCount()
    {
        var t = LoadTimeline.Create([Simulation.IterationsForInject(100, S, 1000)]);
        Assert.Equal(LoadModel.IterationsForInject, t.Model);
        Assert.Equal(Enumerable.Repeat(100, 10), t.Ticks(new Random(1)).Select(x => x.Count));
        Assert.Equal([30, 30, 30, 10], LoadTimeline.Create([Simulation.IterationsForInject(30, S, 100)]).Ticks(new Random(1)).Select(x => x.Count));
        Assert.Equal(4 * S, LoadTimeline.Create([Simulation.IterationsForInject(30, S, 100)]).Duration);
    }

    [Fact]
    public void IterationsForConstantKeepsItsCopiesWithoutATimeLimit()
    {
        var t = LoadTimeline.Create([Simulation.IterationsForConstant(100, 1000)]);
        Assert.Equal(LoadModel.IterationsForConstant, t.Model);
        Assert.Null(t.Duration);
        Assert.Equal(100, t.CopiesAt(TimeSpan.FromHours(1)));
    }

    [Theory]
    [InlineData("IterationsForConstant")]
    [InlineData("IterationsForInject")]
    public void IterationsSimulationsStandAlone(string kind)
    {
        var iterations = kind == "IterationsForConstant" ? Simulation.IterationsForConstant(2, 10) : Simulation.IterationsForInject(2, S, 10);
        foreach (var other in new[] { Simulation.Pause(S), Simulation.KeepConstant(1, S), Simulation.Inject(1, S, S), iterations })
        {
            var e = Assert.Throws<ArgumentException>(() => LoadTimeline.Create([iterations, other]));
            Assert.Contains($"{kind} can't be mixed with any other simulation", e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void ClosedAndOpenSimulationsDoNotMixButEachMixesWithPause()
    {
        var e = Assert.Throws<ArgumentException>(() => LoadTimeline.Create([Simulation.KeepConstant(1, S), Simulation.Inject(1, S, S)]));
        Assert.Contains("KeepConstant (closed model) can't be mixed with Inject (open model)", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => LoadTimeline.Create([Simulation.InjectRandom(1, 2, S, S), Simulation.RampingConstant(1, S)]));
        Assert.Equal(LoadModel.Closed, LoadTimeline.Create([Simulation.Pause(S), Simulation.RampingConstant(2, S), Simulation.KeepConstant(2, S)]).Model);
        Assert.Equal(LoadModel.Open, LoadTimeline.Create([Simulation.RampingInject(2, S, S), Simulation.Pause(S), Simulation.Inject(2, S, S), Simulation.InjectRandom(1, 3, S, S)]).Model);
        Assert.Throws<ArgumentException>(() => LoadTimeline.Create([]));
        Assert.Throws<ArgumentException>(() => Scenario.Create("x", _ => Task.FromResult(Response.Ok())).WithLoadSimulations(Simulation.KeepConstant(1, S), Simulation.Inject(1, S, S)));
    }

    [Fact]
    public void BadArgumentsNameTheArgument()
    {
        Assert.Equal("during", Assert.Throws<ArgumentOutOfRangeException>(() => Simulation.KeepConstant(1, TimeSpan.Zero)).ParamName);
        Assert.Equal("copies", Assert.Throws<ArgumentOutOfRangeException>(() => Simulation.RampingConstant(-1, S)).ParamName);
        Assert.Equal("interval", Assert.Throws<ArgumentOutOfRangeException>(() => Simulation.Inject(1, TimeSpan.Zero, S)).ParamName);
        Assert.Equal("maxRate", Assert.Throws<ArgumentOutOfRangeException>(() => Simulation.InjectRandom(5, 4, S, S)).ParamName);
        Assert.Equal("iterations", Assert.Throws<ArgumentOutOfRangeException>(() => Simulation.IterationsForConstant(1, 0)).ParamName);
        Assert.Equal("Inject(rate: 5, interval: 00:00:01, during: 00:00:30)", Simulation.Inject(5, S, 30 * S).ToString());
    }
}
