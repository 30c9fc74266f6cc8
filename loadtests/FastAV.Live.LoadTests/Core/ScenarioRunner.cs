using System.Diagnostics;
using FastAV.Live.LoadTests.Stats;
using HdrHistogram;

namespace FastAV.Live.LoadTests;

/// <summary>
/// Drives one scenario through its timeline, for warm-up or for the measured run. Closed model: every 100 ms it
/// adds or removes copies to match <see cref="LoadTimeline.CopiesAt"/> (removed copies finish their iteration;
/// the newest go first). Open model: copies are started at their scheduled times whatever the earlier ones are
/// doing (open loop), and their latency is charged from that schedule. At the end, copies get the scenario's stop
/// timeout to finish and close what they hold, then are cancelled.
/// </summary>
internal sealed class ScenarioRunner
{
    private static readonly TimeSpan ControlTick = TimeSpan.FromMilliseconds(100);

    private readonly Scenario _scenario;
    private readonly LoadTimeline _timeline;
    private readonly TimeSpan? _limit;
    private readonly Action<string> _stopTest;
    private readonly int _seed;
    private readonly CancellationTokenSource _hard = new();
    private readonly CancellationTokenSource _stopScenario = new();
    private readonly CancellationTokenSource _stopAll = new();
    private readonly LongHistogram _lag = new(MeasurementAccumulator.MaxLatencyMicroseconds, 2);
    private readonly List<Task> _running = [];
    private long _start;
    private int _activeCopies;
    private long _iterationsStarted;

    public ScenarioRunner(Scenario scenario, bool warmUp, Action<string> stopTest, int seed)
    {
        _scenario = scenario;
        _timeline = LoadTimeline.Create(scenario.LoadSimulations);
        IsWarmUp = warmUp;
        _limit = warmUp ? scenario.WarmUpDuration : _timeline.Duration;
        _stopTest = stopTest;
        _seed = seed;
    }

    public Scenario Scenario => _scenario;

    public bool IsWarmUp { get; }

    public StatsCollector Stats { get; } = new();

    public TimeSpan Elapsed => _start == 0 ? TimeSpan.Zero : Stopwatch.GetElapsedTime(_start);

    /// <summary>How long the load ran (to the timeline's end or the stop), the denominator of RPS.</summary>
    public TimeSpan Duration { get; private set; }

    public int ActiveCopies => Volatile.Read(ref _activeCopies);

    public string? StopReason { get; private set; }

    public (double P99Ms, double MaxMs) SchedulerLag()
    {
        lock (_lag)
        {
            return _lag.TotalCount == 0 ? (0, 0) : (_lag.GetValueAtPercentile(99) / 1000.0, _lag.GetMaxValue() / 1000.0);
        }
    }

    public void StopScenario(string reason)
    {
        StopReason ??= reason;
        _stopScenario.Cancel();
    }

    public void StopTest(string reason) => _stopTest($"scenario {_scenario.Name}: {reason}");

    /// <summary>Runs the timeline until its end, the scenario's stop, or <paramref name="testStop"/>; then stops every copy.</summary>
    public async Task RunAsync(CancellationToken testStop)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(testStop, _stopScenario.Token);
        _start = Stopwatch.GetTimestamp();
        try
        {
            switch (_timeline.Model)
            {
                case LoadModel.Open:
                case LoadModel.IterationsForInject:
                    await RunOpenAsync(stop.Token).ConfigureAwait(false);
                    break;
                default:
                    await RunClosedAsync(stop.Token).ConfigureAwait(false);
                    break;
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }

        Duration = Elapsed;
        await StopAllAsync().ConfigureAwait(false);
    }

    private async Task RunClosedAsync(CancellationToken stop)
    {
        var copies = new List<ScenarioContext>();
        var iterationsLeft = _timeline.Model == LoadModel.IterationsForConstant && !IsWarmUp ? _timeline.Segments[0].Simulation.Iterations : long.MaxValue;
        Func<bool> takeIteration = () => Interlocked.Increment(ref _iterationsStarted) <= iterationsLeft;
        var nextNumber = 0;
        while (!stop.IsCancellationRequested)
        {
            var t = Elapsed;
            if (_limit is { } limit && t >= limit) break;
            if (_timeline.Model == LoadModel.IterationsForConstant && Interlocked.Read(ref _iterationsStarted) >= iterationsLeft && ActiveCopies == 0) break;
            var target = _timeline.Model == LoadModel.IterationsForConstant && Interlocked.Read(ref _iterationsStarted) >= iterationsLeft ? 0 : _timeline.CopiesAt(t);
            copies.RemoveAll(c => c.IsStopRequested);
            while (copies.Count < target)
            {
                var context = NewContext(nextNumber++, null);
                copies.Add(context);
                Start(context, oneShot: false, takeIteration);
            }

            for (var i = copies.Count - 1; i >= target; i--)
            {
                copies[i].RequestStop();
                copies.RemoveAt(i);
            }

            await Task.Delay(ControlTick, stop).ConfigureAwait(false);
        }
    }

    private async Task RunOpenAsync(CancellationToken stop)
    {
        var random = new Random(HashCode.Combine(_seed, _scenario.Name, "arrivals"));
        var number = 0;
        foreach (var tick in _timeline.Ticks(random))
        {
            for (var i = 0; i < tick.Count; i++)
            {
                var due = tick.ArrivalAt(i);
                if (_limit is { } limit && due >= limit) return;
                var wait = due - Elapsed;
                if (wait > TimeSpan.Zero) await Task.Delay(wait, stop).ConfigureAwait(false);
                stop.ThrowIfCancellationRequested();
                var lagUs = Math.Max(0, (long)(Elapsed - due).TotalMicroseconds);
                lock (_lag)
                {
                    _lag.RecordValue(Math.Min(lagUs, MeasurementAccumulator.MaxLatencyMicroseconds));
                }

                Start(NewContext(number++, _start + (long)(due.TotalSeconds * Stopwatch.Frequency)), oneShot: true, null);
            }
        }

        // The last interval's copies are due until the end of the timeline: the measured time runs to it.
        if (_limit is { } end && end > Elapsed) await Task.Delay(end - Elapsed, stop).ConfigureAwait(false);
    }

    private ScenarioContext NewContext(int number, long? scheduled) =>
        new(this, new ScenarioInfo(_scenario.Name, number, $"{_scenario.Name}_{number}"), _hard.Token, _stopAll.Token, scheduled, _seed);

    private void Start(ScenarioContext context, bool oneShot, Func<bool>? takeIteration)
    {
        Interlocked.Increment(ref _activeCopies);
        var task = Task.Run(() => RunCopyAsync(context, oneShot, takeIteration));
        lock (_running)
        {
            _running.RemoveAll(t => t.IsCompleted);
            _running.Add(task);
        }
    }

    private async Task RunCopyAsync(ScenarioContext context, bool oneShot, Func<bool>? takeIteration)
    {
        try
        {
            // A one-shot (open-model) copy runs its iteration even if the run ends before it got a thread: it was scheduled.
            while ((oneShot || !context.IsStopRequested) && !_hard.IsCancellationRequested)
            {
                if (takeIteration is not null && !takeIteration()) break;
                context.InvocationNumber++;
                var begin = context.ScheduledTimestamp ?? Stopwatch.GetTimestamp();
                Response response;
                try
                {
                    response = await _scenario.Run(context).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (_hard.IsCancellationRequested)
                {
                    break;
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    response = StatusCodes.FromException(e);
                }

                Stats.RecordIteration(response, response.LatencyMs ?? Stopwatch.GetElapsedTime(begin).TotalMilliseconds);
                var fails = Stats.FailCount;
                if (!IsWarmUp && fails > _scenario.MaxFailCount)
                {
                    StopTest($"{fails} failed requests exceed its max fail count ({_scenario.MaxFailCount})");
                }

                if (oneShot) break;
            }
        }
        finally
        {
            await context.DisposeDataAsync().ConfigureAwait(false);
            Interlocked.Decrement(ref _activeCopies);
        }
    }

    private async Task StopAllAsync()
    {
        Task[] running;
        lock (_running)
        {
            running = [.. _running];
        }

        // Every copy still running sees CopyStopping, finishes its iteration and closes what it holds.
        await _stopAll.CancelAsync().ConfigureAwait(false);
        try
        {
            await Task.WhenAll(running).WaitAsync(_scenario.StopTimeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            StopReason ??= $"copies did not stop within {_scenario.StopTimeout.TotalSeconds:0} s and were cancelled";
            await _hard.CancelAsync().ConfigureAwait(false);
            try
            {
                await Task.WhenAll(running).WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                StopReason = $"copies did not stop within {_scenario.StopTimeout.TotalSeconds:0} s, nor 10 s after being cancelled";
            }
        }
    }
}
