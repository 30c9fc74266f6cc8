using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using FastAV.Live.LoadTests.Reports;
using FastAV.Live.LoadTests.Stats;

namespace FastAV.Live.LoadTests;

/// <summary>
/// Runs registered scenarios side by side (NBomber's NBomberRunner): init, a warm-up phase whose measurements are
/// thrown away, the measured run with time series sampled for the plots and runtime thresholds checked every
/// reporting interval (default 5 s, as NBomber), clean, the final threshold checks, and the reports.
/// </summary>
public sealed class LoadRunner
{
    private readonly List<Scenario> _scenarios;
    private readonly List<Threshold> _thresholds = [];
    private readonly List<string> _notes = [];
    private readonly List<ReportFormat> _formats = [ReportFormat.Html, ReportFormat.Md, ReportFormat.Csv, ReportFormat.Txt];
    private readonly object _abortGate = new();
    private string _testSuite = "fastav.live";
    private string? _testName;
    private string? _reportFolder;
    private TimeSpan _reportingInterval = TimeSpan.FromSeconds(5);
    private TimeSpan? _plotInterval;
    private ILiveView? _liveView;
    private string _target = "";
    private int _seed = 1;
    private Func<long>? _serverRss;
    private string? _abortReason;
    private CancellationTokenSource? _testStop;
    private volatile IReadOnlyList<LiveRow> _liveRows = [];

    private LoadRunner(IEnumerable<Scenario> scenarios) => _scenarios = [.. scenarios];

    public static LoadRunner RegisterScenarios(params Scenario[] scenarios)
    {
        ArgumentNullException.ThrowIfNull(scenarios);
        if (scenarios.Length == 0) throw new ArgumentException("register at least one scenario", nameof(scenarios));
        var duplicate = scenarios.GroupBy(s => s.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new ArgumentException($"scenario name '{duplicate.Key}' is registered twice", nameof(scenarios));
        return new LoadRunner(scenarios);
    }

    public LoadRunner WithTestSuite(string suite)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(suite);
        _testSuite = suite;
        return this;
    }

    public LoadRunner WithTestName(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        _testName = name;
        return this;
    }

    public LoadRunner WithReportFolder(string folder)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        _reportFolder = folder;
        return this;
    }

    public LoadRunner WithReportFormats(params ReportFormat[] formats)
    {
        _formats.Clear();
        _formats.AddRange(formats.Distinct());
        return this;
    }

    public LoadRunner WithoutReports()
    {
        _formats.Clear();
        return this;
    }

    public LoadRunner WithReportingInterval(TimeSpan interval)
    {
        _reportingInterval = interval >= TimeSpan.FromMilliseconds(100) ? interval : throw new ArgumentOutOfRangeException(nameof(interval), interval, "must be at least 100 ms");
        return this;
    }

    /// <summary>Time between the points of the plots; default 1 s, coarser for long runs (about 300 points).</summary>
    public LoadRunner WithPlotInterval(TimeSpan interval)
    {
        _plotInterval = interval >= TimeSpan.FromMilliseconds(100) ? interval : throw new ArgumentOutOfRangeException(nameof(interval), interval, "must be at least 100 ms");
        return this;
    }

    /// <summary>Thresholds for every scenario, or for the one they name.</summary>
    public LoadRunner WithThresholds(params Threshold[] thresholds)
    {
        ArgumentNullException.ThrowIfNull(thresholds);
        _thresholds.AddRange(thresholds);
        return this;
    }

    public LoadRunner WithLiveView(ILiveView? view)
    {
        _liveView = view;
        return this;
    }

    public LoadRunner WithTarget(string target)
    {
        _target = target ?? "";
        return this;
    }

    public LoadRunner WithNotes(params string[] notes)
    {
        _notes.AddRange(notes);
        return this;
    }

    public LoadRunner WithSeed(int seed)
    {
        _seed = seed;
        return this;
    }

    /// <summary>Samples the server's resident memory in bytes (−1 when unknown), for a local server.</summary>
    public LoadRunner WithServerRss(Func<long>? sample)
    {
        _serverRss = sample;
        return this;
    }

    /// <summary>Aborts the run (as max fail count or a runtime threshold does), recording the first reason.</summary>
    public void StopTest(string reason)
    {
        lock (_abortGate)
        {
            _abortReason ??= reason;
        }

        _testStop?.Cancel();
    }

    public async Task<RunResult> RunAsync(CancellationToken cancellationToken = default)
    {
        foreach (var t in _thresholds.Where(t => t.ScenarioName is not null && _scenarios.All(s => s.Name != t.ScenarioName)))
        {
            throw new ArgumentException($"threshold '{t.CheckExpression}' names scenario '{t.ScenarioName}', which is not registered ({string.Join(", ", _scenarios.Select(s => s.Name))})");
        }

        using var testStop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _testStop = testStop;
        using var cancelRegistration = cancellationToken.Register(() => StopTest("cancelled"));
        var started = DateTime.UtcNow;
        var clock = Stopwatch.StartNew();
        var testInfo = new TestInfo(
            $"{started:yyyy-MM-dd_HH.mm.ss}_session_{Guid.NewGuid().ToString("N")[..8]}",
            _testSuite, _testName ?? string.Join("+", _scenarios.Select(s => s.Name)), started,
            $"{Environment.MachineName}, {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription.Trim()}, .NET {Environment.Version}",
            _target, [.. _notes]);

        foreach (var s in _scenarios.Where(s => s.Init is not null))
        {
            try
            {
                await s.Init!(new ScenarioInitContext(s.Name, testStop.Token)).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                StopTest($"init of scenario {s.Name} failed: {e.Message}");
                return await FinishAsync(testInfo, [], clock.Elapsed, [], []).ConfigureAwait(false);
            }
        }

        using var viewStop = new CancellationTokenSource();
        var view = _liveView?.RunAsync(() => _liveRows, viewStop.Token) ?? Task.CompletedTask;
        var warm = _scenarios.Where(s => s.WarmUpDuration > TimeSpan.Zero).Select(s => new ScenarioRunner(s, true, StopTest, _seed)).ToList();
        if (warm.Count > 0 && !testStop.IsCancellationRequested)
        {
            var warmSampler = Task.Run(() => SampleLiveAsync(warm, testStop.Token));
            await Task.WhenAll(warm.Select(r => r.RunAsync(testStop.Token))).ConfigureAwait(false);
            await warmSampler.ConfigureAwait(false);
        }

        foreach (var s in _scenarios) s.Streaming?.Reset();
        var runners = _scenarios.Select(s => new ScenarioRunner(s, false, StopTest, _seed)).ToList();
        var states = runners.ToDictionary(r => r.Scenario.Name, r => r.Scenario.Thresholds
            .Concat(_thresholds.Where(t => t.ScenarioName is null || t.ScenarioName == r.Scenario.Name))
            .Select(t => new ThresholdState(t, r.Scenario.Name)).ToList());
        var intervals = runners.ToDictionary(r => r.Scenario.Name, _ => new List<IntervalPoint>());
        var fleet = runners.ToDictionary(r => r.Scenario.Name, _ => new List<FleetPoint>());
        using var samplerStop = new CancellationTokenSource();
        var sampler = Task.Run(() => SampleAsync(runners, states, intervals, fleet, samplerStop.Token));
        if (!testStop.IsCancellationRequested)
        {
            await Task.WhenAll(runners.Select(r => r.RunAsync(testStop.Token))).ConfigureAwait(false);
        }

        await samplerStop.CancelAsync().ConfigureAwait(false);
        await sampler.ConfigureAwait(false);

        // The last partial interval, so a short run still has its points.
        var lastRss = _serverRss?.Invoke() ?? -1;
        foreach (var r in runners)
        {
            intervals[r.Scenario.Name].AddRange(r.Stats.TakeIntervals(r.Duration));
            var (kv, streams) = r.Scenario.Streaming?.LiveKvBytes() ?? (0, 0);
            fleet[r.Scenario.Name].Add(new FleetPoint(r.Duration, r.ActiveCopies, r.Scenario.Streaming?.LiveStreams ?? 0, kv, streams == 0 ? 0 : (double)kv / streams, lastRss));
        }
        await viewStop.CancelAsync().ConfigureAwait(false);
        await view.ConfigureAwait(false);

        foreach (var s in _scenarios.Where(s => s.Clean is not null))
        {
            try
            {
                await s.Clean!(new ScenarioInitContext(s.Name, CancellationToken.None)).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                _notes.Add($"clean of scenario {s.Name} failed: {e.Message}");
            }
        }

        var stats = runners.Select((r, i) => Build(r, intervals[r.Scenario.Name], fleet[r.Scenario.Name], r.Duration, i)).ToList();
        var results = new List<ThresholdResult>();
        foreach (var r in runners)
        {
            var s = stats.First(x => x.ScenarioName == r.Scenario.Name);
            foreach (var state in states[r.Scenario.Name])
            {
                state.CheckFinal(s);
                results.Add(state.Result());
            }

            if (r.StopReason is { } why) _notes.Add($"scenario {r.Scenario.Name} stopped: {why}");
        }

        return await FinishAsync(testInfo with { Notes = [.. _notes] }, stats, clock.Elapsed, results, []).ConfigureAwait(false);
    }

    private async Task<RunResult> FinishAsync(TestInfo info, IReadOnlyList<ScenarioStats> stats, TimeSpan duration, IReadOnlyList<ThresholdResult> thresholds, IReadOnlyList<string> files)
    {
        var result = new RunResult { TestInfo = info with { Notes = [.. _notes] }, ScenarioStats = stats, Thresholds = thresholds, Duration = duration, AbortReason = _abortReason, ReportFiles = files };
        if (_reportFolder is null || _formats.Count == 0) return result;
        var written = await ReportWriter.WriteAsync(result, _reportFolder, _formats).ConfigureAwait(false);
        return result with { ReportFiles = written };
    }

    private ScenarioStats Build(ScenarioRunner runner, IReadOnlyList<IntervalPoint> intervals, IReadOnlyList<FleetPoint> fleet, TimeSpan duration, int index)
    {
        var seconds = duration.TotalSeconds;
        var own = runner.Stats.Scenario.ToStats(seconds);
        var (lagP99, lagMax) = runner.SchedulerLag();
        return new ScenarioStats
        {
            ScenarioName = runner.Scenario.Name,
            Ok = own.Ok,
            Fail = own.Fail,
            StepStats = runner.Stats.Steps(seconds),
            LoadSimulations = LoadTimeline.Create(runner.Scenario.LoadSimulations).Segments,
            Duration = duration,
            SortIndex = index,
            SchedulerLagP99Ms = lagP99,
            SchedulerLagMaxMs = lagMax,
            Streaming = runner.Scenario.Streaming?.Snapshot(fleet),
            Intervals = [.. intervals],
            Fleet = [.. fleet],
        };
    }

    private async Task SampleAsync(
        List<ScenarioRunner> runners,
        Dictionary<string, List<ThresholdState>> states,
        Dictionary<string, List<IntervalPoint>> intervals,
        Dictionary<string, List<FleetPoint>> fleet,
        CancellationToken stop)
    {
        var planned = runners.Max(r => LoadTimeline.Create(r.Scenario.LoadSimulations).Duration ?? TimeSpan.FromMinutes(1));
        var plot = _plotInterval ?? TimeSpan.FromSeconds(Math.Max(1, Math.Ceiling(planned.TotalSeconds / 300)));
        var nextThresholds = _reportingInterval;
        var clock = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                await Task.Delay(plot, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            var rss = _serverRss?.Invoke() ?? -1;
            foreach (var r in runners)
            {
                var at = r.Elapsed;
                intervals[r.Scenario.Name].AddRange(r.Stats.TakeIntervals(at));
                var (kv, streams) = r.Scenario.Streaming?.LiveKvBytes() ?? (0, 0);
                fleet[r.Scenario.Name].Add(new FleetPoint(at, r.ActiveCopies, r.Scenario.Streaming?.LiveStreams ?? 0, kv, streams == 0 ? 0 : (double)kv / streams, rss));
            }

            var snapshot = runners.Select((r, i) => Build(r, intervals[r.Scenario.Name], fleet[r.Scenario.Name], r.Elapsed, i)).ToList();
            _liveRows = snapshot.Select((s, i) => Row(runners[i], s, "run")).ToList();
            if (clock.Elapsed < nextThresholds) continue;
            nextThresholds += _reportingInterval;
            foreach (var (r, s) in runners.Zip(snapshot))
            {
                foreach (var state in states[r.Scenario.Name].Where(t => r.Elapsed >= t.Threshold.StartCheckAfter))
                {
                    if (state.CheckRuntime(s))
                    {
                        StopTest($"runtime threshold '{state.Threshold.CheckExpression}' of scenario {r.Scenario.Name} failed {state.Threshold.AbortWhenErrorCount} times");
                    }
                }
            }
        }
    }

    private async Task SampleLiveAsync(List<ScenarioRunner> runners, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested && runners.Any(r => r.Duration == TimeSpan.Zero))
        {
            _liveRows = runners.Select((r, i) => Row(r, Build(r, [], [], r.Elapsed, i), "warm-up")).ToList();
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(1), stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private static LiveRow Row(ScenarioRunner r, ScenarioStats s, string phase)
    {
        var last = s.Intervals.LastOrDefault(p => p.Step.Length == 0);
        var steps = s.StepStats.Sum(t => t.AllRequestCount);
        return new LiveRow(
            s.ScenarioName, phase, r.Elapsed, r.IsWarmUp ? r.Scenario.WarmUpDuration : LoadTimeline.Create(r.Scenario.LoadSimulations).Duration,
            r.ActiveCopies, s.AllOkCount + s.StepStats.Sum(t => t.Ok.Request.Count), s.AllFailCount + s.StepStats.Sum(t => t.Fail.Request.Count),
            s.Duration.TotalSeconds > 0 ? (s.AllRequestCount + steps) / s.Duration.TotalSeconds : 0,
            last is null || double.IsNaN(last.P95) ? double.NaN : last.P95,
            s.Streaming is null ? 0 : s.Fleet.LastOrDefault()?.LiveStreams ?? 0,
            s.Streaming?.StandingLatency.P95 ?? double.NaN,
            s.Streaming?.WindowsDropped ?? 0,
            s.Streaming?.AnswersMissing ?? 0,
            s.Fleet.LastOrDefault()?.KvBytes ?? 0);
    }

    internal static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
