using FastAV.Live.LoadTests.Stats;

namespace FastAV.Live.LoadTests;

/// <summary>
/// One copy's view of the run (NBomber's ScenarioContext): which copy it is, how many iterations it has started,
/// its own data (kept across its iterations; values that are <see cref="IAsyncDisposable"/> or
/// <see cref="IDisposable"/> are disposed when the copy ends, which is how a camera copy closes its stream), and
/// the controls to stop the scenario or the whole test.
/// </summary>
public sealed class ScenarioContext
{
    private readonly ScenarioRunner _runner;
    private readonly CancellationTokenSource _copyStop;

    internal ScenarioContext(ScenarioRunner runner, ScenarioInfo info, CancellationToken cancelled, CancellationToken stopAll, long? scheduledTimestamp, int seed)
    {
        _runner = runner;
        ScenarioInfo = info;
        _copyStop = CancellationTokenSource.CreateLinkedTokenSource(cancelled, stopAll);
        CancellationToken = cancelled;
        ScheduledTimestamp = scheduledTimestamp;
        Random = new Random(HashCode.Combine(seed, info.ScenarioName, info.ThreadNumber));
    }

    public ScenarioInfo ScenarioInfo { get; }

    /// <summary>Iterations this copy has started, the current one included (1 on the first).</summary>
    public long InvocationNumber { get; internal set; }

    /// <summary>The copy's own data, kept across its iterations and disposed when the copy ends.</summary>
    public Dictionary<string, object> Data { get; } = new(StringComparer.Ordinal);

    /// <summary>Cancelled when the test is aborted or its stop grace has run out: in-flight work should give up.</summary>
    public CancellationToken CancellationToken { get; }

    /// <summary>Cancelled when the load simulation removes this copy (or the test stops): finish the current iteration and return.</summary>
    public CancellationToken CopyStopping => _copyStop.Token;

    /// <summary>A random source seeded by the run's seed, the scenario and the copy number (repeatable runs).</summary>
    public Random Random { get; }

    /// <summary>Time since the measured part of the run started (negative during warm-up is never seen: warm-up has its own clock).</summary>
    public TimeSpan Elapsed => _runner.Elapsed;

    /// <summary>Whether this copy's measurements are kept (false during warm-up).</summary>
    public bool IsWarmUp => _runner.IsWarmUp;

    internal StatsCollector Stats => _runner.Stats;

    /// <summary>
    /// Open model: the Stopwatch timestamp at which the scheduler meant this copy to start. The first step of the
    /// iteration measures from it, so a generator that fell behind still charges the wait to the system under
    /// test (no coordinated omission).
    /// </summary>
    internal long? ScheduledTimestamp { get; set; }

    internal bool IsStopRequested => _copyStop.IsCancellationRequested;

    internal void RequestStop()
    {
        try
        {
            _copyStop.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The copy has already ended (its iterations ran out) and let go of its token.
        }
    }

    /// <summary>Stops this scenario's load simulation (its copies finish their iterations); other scenarios go on.</summary>
    public void StopScenario(string reason) => _runner.StopScenario(reason);

    /// <summary>Stops the whole test (every scenario), recording why.</summary>
    public void StopCurrentTest(string reason) => _runner.StopTest(reason);

    internal async ValueTask DisposeDataAsync()
    {
        foreach (var value in Data.Values)
        {
            try
            {
                switch (value)
                {
                    case IAsyncDisposable a:
                        await a.DisposeAsync().ConfigureAwait(false);
                        break;
                    case IDisposable d:
                        d.Dispose();
                        break;
                }
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                _runner.Stats.RecordStep("copy_cleanup", StatusCodes.FromException(e), 0);
            }
        }

        Data.Clear();
        _copyStop.Dispose();
    }
}
