using System.Collections.Concurrent;
using System.Diagnostics;
using Grpc.Core;

namespace FastAV.Live.LoadTests.Tests.Core;

/// <summary>The runner executing simulations for real (no server: scenarios that just count).</summary>
public sealed class LoadRunnerTests
{
    private static readonly TimeSpan S = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task IterationsForConstantRunsExactlyItsIterationsOnItsCopies()
    {
        var copies = new ConcurrentDictionary<int, int>();
        var scenario = Scenario.Create("iterations", async ctx =>
        {
            copies.AddOrUpdate(ctx.ScenarioInfo.ThreadNumber, 1, (_, n) => n + 1);
            await Task.Delay(5);
            return Response.Ok(sizeBytes: 10);
        }).WithoutWarmUp().WithLoadSimulations(Simulation.IterationsForConstant(4, 50));
        var result = await LoadRunner.RegisterScenarios(scenario).WithoutReports().RunAsync();
        var stats = result.Scenario("iterations");
        Assert.Equal(50, stats.Ok.Request.Count);
        Assert.Equal(50, copies.Values.Sum());
        Assert.Equal([0, 1, 2, 3], copies.Keys.Order());
        Assert.Equal(500, stats.Ok.DataTransfer.AllBytes);
        Assert.Equal(0, result.ExitCode);
    }

    [Fact]
    public async Task IterationsForInjectRunsEachCopyOnceUntilItsCount()
    {
        var invocations = new ConcurrentBag<long>();
        var scenario = Scenario.Create("inject", ctx =>
        {
            invocations.Add(ctx.InvocationNumber);
            return Task.FromResult(Response.Ok());
        }).WithoutWarmUp().WithLoadSimulations(Simulation.IterationsForInject(10, TimeSpan.FromMilliseconds(100), 25));
        var result = await LoadRunner.RegisterScenarios(scenario).WithoutReports().RunAsync();
        Assert.Equal(25, result.Scenario("inject").Ok.Request.Count);
        Assert.All(invocations, n => Assert.Equal(1, n)); // one-shot copies
    }

    [Fact]
    public async Task OpenModelStartsCopiesOnScheduleWhileEarlierOnesAreStillRunning()
    {
        // Each call takes 1.5 s, far longer than the 100 ms between arrivals: a closed loop would make 2 or 3; open makes 20.
        var concurrent = 0;
        var peak = 0;
        var scenario = Scenario.Create("slow", async ctx =>
        {
            var now = Interlocked.Increment(ref concurrent);
            InterlockedMax(ref peak, now);
            await Step.Run("call", ctx, async () =>
            {
                await Task.Delay(1500);
                return Response.Ok();
            });
            Interlocked.Decrement(ref concurrent);
            return Response.Ok();
        }).WithoutWarmUp().WithLoadSimulations(Simulation.Inject(2, TimeSpan.FromMilliseconds(200), 2 * S));
        var result = await LoadRunner.RegisterScenarios(scenario).WithoutReports().RunAsync();
        Assert.Equal(20, result.Scenario("slow").Step("call").Ok.Request.Count);
        Assert.True(peak >= 10, $"peak concurrency {peak}");
        Assert.True(result.Scenario("slow").Step("call").Ok.Latency.MinMs >= 1490);
    }

    [Fact]
    public async Task KeepConstantKeepsItsCopiesAndStopsThemAtTheEnd()
    {
        var disposed = 0;
        var scenario = Scenario.Create("keep", async ctx =>
        {
            if (!ctx.Data.ContainsKey("held")) ctx.Data["held"] = new Disposal(() => Interlocked.Increment(ref disposed));
            await Task.Delay(20, ctx.CancellationToken);
            return Response.Ok();
        }).WithoutWarmUp().WithLoadSimulations(Simulation.KeepConstant(3, S));
        var result = await LoadRunner.RegisterScenarios(scenario).WithoutReports().WithPlotInterval(TimeSpan.FromMilliseconds(200)).RunAsync();
        Assert.Equal(3, disposed); // each copy's data disposed when it ended
        Assert.True(result.Scenario("keep").Ok.Request.Count > 3);
        Assert.All(result.Scenario("keep").Fleet, p => Assert.InRange(p.Copies, 0, 3));
        Assert.Contains(result.Scenario("keep").Fleet, p => p.Copies == 3);
    }

    [Fact]
    public async Task WarmUpIsLeftOutOfTheStats()
    {
        var warm = 0;
        var scenario = Scenario.Create("warm", ctx =>
        {
            if (ctx.IsWarmUp) Interlocked.Increment(ref warm);
            return Task.FromResult(ctx.IsWarmUp ? Response.Fail() : Response.Ok());
        }).WithWarmUpDuration(TimeSpan.FromMilliseconds(300)).WithLoadSimulations(Simulation.Inject(5, TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(500)));
        var result = await LoadRunner.RegisterScenarios(scenario).WithoutReports().RunAsync();
        Assert.True(warm > 0);
        Assert.Equal(0, result.Scenario("warm").Fail.Request.Count);
        Assert.Equal(25, result.Scenario("warm").Ok.Request.Count);
    }

    [Fact]
    public async Task MaxFailCountAbortsTheTest()
    {
        var scenario = Scenario.Create("failing", async _ =>
        {
            await Task.Yield();
            return Response.Fail("UNAVAILABLE", "down");
        }).WithoutWarmUp().WithMaxFailCount(10).WithLoadSimulations(Simulation.KeepConstant(2, TimeSpan.FromMinutes(5)));
        var result = await LoadRunner.RegisterScenarios(scenario).WithoutReports().RunAsync();
        Assert.Contains("exceed its max fail count (10)", result.AbortReason, StringComparison.Ordinal);
        Assert.Equal(1, result.ExitCode);
        Assert.True(result.Duration < TimeSpan.FromMinutes(1));
    }

    [Fact]
    public async Task StepsMapExceptionsToStatusCodesAndTimeFromTheSchedule()
    {
        var scenario = Scenario.Create("steps", async ctx =>
        {
            await Step.Run("timeout", ctx, () => throw new TimeoutException("slow"));
            await Step.Run("exception", ctx, () => throw new InvalidOperationException("boom"));
            await Step.Run("rpc", ctx, () => throw new RpcException(new Status(StatusCode.DeadlineExceeded, "late")));
            await Step.Run("rpc2", ctx, () => throw new RpcException(new Status(StatusCode.InvalidArgument, "bad")));
            return Response.Ok();
        }).WithoutWarmUp().WithLoadSimulations(Simulation.IterationsForConstant(1, 1));
        var stats = (await LoadRunner.RegisterScenarios(scenario).WithoutReports().RunAsync()).Scenario("steps");
        Assert.Equal(StatusCodes.Timeout, stats.Step("timeout").Fail.StatusCodes.Single().StatusCode);
        Assert.Equal("-101", stats.Step("exception").Fail.StatusCodes.Single().StatusCode);
        Assert.Contains("boom", stats.Step("exception").Fail.StatusCodes.Single().Message, StringComparison.Ordinal);
        Assert.Equal("-100", stats.Step("rpc").Fail.StatusCodes.Single().StatusCode);
        Assert.Equal("INVALID_ARGUMENT", stats.Step("rpc2").Fail.StatusCodes.Single().StatusCode);
    }

    [Fact]
    public async Task AFailingThresholdMakesTheExitCodeNonZero()
    {
        Scenario Make() => Scenario.Create("t", _ => Task.FromResult(Response.Ok(sizeBytes: 5))).WithoutWarmUp().WithLoadSimulations(Simulation.IterationsForConstant(1, 10));
        var holds = await LoadRunner.RegisterScenarios(Make().WithThresholds(Threshold.Create(s => s.Ok.Request.Count == 10))).WithoutReports().RunAsync();
        Assert.Equal(0, holds.ExitCode);
        Assert.Equal("s => s.Ok.Request.Count == 10", holds.Thresholds.Single().CheckExpression);

        var fails = await LoadRunner.RegisterScenarios(Make()).WithThresholds(ThresholdParser.Parse("t: OkRequest Count > 10")).WithoutReports().RunAsync();
        Assert.Equal(1, fails.ExitCode);
        Assert.True(fails.Thresholds.Single().IsFailed);
    }

    [Fact]
    public async Task ARuntimeThresholdAbortsAtItsErrorCount()
    {
        var scenario = Scenario.Create("abort", _ => Task.FromResult(Response.Fail()))
            .WithoutWarmUp()
            .WithLoadSimulations(Simulation.Inject(10, TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(5)))
            .WithThresholds(Threshold.Create(s => s.Fail.Request.Count == 0, abortWhenErrorCount: 2));
        var result = await LoadRunner.RegisterScenarios(scenario).WithoutReports().WithReportingInterval(TimeSpan.FromMilliseconds(200)).WithPlotInterval(TimeSpan.FromMilliseconds(100)).RunAsync();
        Assert.Contains("runtime threshold", result.AbortReason, StringComparison.Ordinal);
        Assert.True(result.Thresholds.Single().IsFailed);
        Assert.True(result.Thresholds.Single().ErrorCount >= 2);
    }

    [Fact]
    public async Task AStepStartsItsClockAtTheCopysScheduledArrival()
    {
        // An arrival the generator started 300 ms late is charged those 300 ms (no coordinated omission).
        var scenario = Scenario.Create("late", async ctx =>
        {
            ctx.ScheduledTimestamp = Stopwatch.GetTimestamp() - (long)(0.3 * Stopwatch.Frequency);
            await Step.Run("call", ctx, () => Task.FromResult(Response.Ok()));
            await Step.Run("second", ctx, () => Task.FromResult(Response.Ok()));
            return Response.Ok();
        }).WithoutWarmUp().WithLoadSimulations(Simulation.IterationsForConstant(1, 3));
        var stats = (await LoadRunner.RegisterScenarios(scenario).WithoutReports().RunAsync()).Scenario("late");
        Assert.True(stats.Step("call").Ok.Latency.MinMs >= 299);
        Assert.True(stats.Step("second").Ok.Latency.MaxMs < 299);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }

    private sealed class Disposal(Action action) : IDisposable
    {
        public void Dispose() => action();
    }
}
