using FastAV.Live.LoadTests.Streaming;

namespace FastAV.Live.LoadTests;

/// <summary>
/// A named workload (NBomber's ScenarioProps): the function one copy runs per iteration, init and clean, warm-up
/// (run first and left out of every stat; NBomber's default 30 s), load simulations (default KeepConstant(1, 1 min)),
/// max fail count (the test aborts when the scenario's failed requests exceed it; default 5,000), thresholds, and —
/// for copies that run streams — the <see cref="StreamingMetrics"/> they record into.
/// </summary>
public sealed class Scenario
{
    private Scenario(string name, Func<ScenarioContext, Task<Response>> run)
    {
        Name = name;
        Run = run;
    }

    public string Name { get; }

    public Func<ScenarioContext, Task<Response>> Run { get; }

    public Func<ScenarioInitContext, Task>? Init { get; private set; }

    public Func<ScenarioInitContext, Task>? Clean { get; private set; }

    public TimeSpan WarmUpDuration { get; private set; } = TimeSpan.FromSeconds(30);

    public IReadOnlyList<LoadSimulation> LoadSimulations { get; private set; } = [Simulation.KeepConstant(1, TimeSpan.FromMinutes(1))];

    public int MaxFailCount { get; private set; } = 5_000;

    /// <summary>How long copies may take to finish their iteration and close what they hold once stopped, before they are cancelled.</summary>
    public TimeSpan StopTimeout { get; private set; } = TimeSpan.FromSeconds(30);

    public IReadOnlyList<Threshold> Thresholds { get; private set; } = [];

    public StreamingMetrics? Streaming { get; private set; }

    public static Scenario Create(string name, Func<ScenarioContext, Task<Response>> run)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(run);
        if (name.Any(c => char.IsControl(c) || c is ',' or '/' or ':')) throw new ArgumentException($"scenario name '{name}' may not contain control characters, ',', '/' or ':'", nameof(name));
        return new Scenario(name, run);
    }

    public Scenario WithInit(Func<ScenarioInitContext, Task> init)
    {
        Init = init ?? throw new ArgumentNullException(nameof(init));
        return this;
    }

    public Scenario WithClean(Func<ScenarioInitContext, Task> clean)
    {
        Clean = clean ?? throw new ArgumentNullException(nameof(clean));
        return this;
    }

    public Scenario WithWarmUpDuration(TimeSpan duration)
    {
        WarmUpDuration = duration >= TimeSpan.Zero ? duration : throw new ArgumentOutOfRangeException(nameof(duration), duration, "must not be negative");
        return this;
    }

    public Scenario WithoutWarmUp() => WithWarmUpDuration(TimeSpan.Zero);

    /// <summary>Sets the simulations (mixing rules are checked here, with a message naming them).</summary>
    public Scenario WithLoadSimulations(params LoadSimulation[] simulations)
    {
        LoadTimeline.Create(simulations);
        LoadSimulations = simulations;
        return this;
    }

    public Scenario WithMaxFailCount(int maxFailCount)
    {
        MaxFailCount = maxFailCount >= 1 ? maxFailCount : throw new ArgumentOutOfRangeException(nameof(maxFailCount), maxFailCount, "must be 1 or more");
        return this;
    }

    public Scenario WithStopTimeout(TimeSpan timeout)
    {
        StopTimeout = timeout > TimeSpan.Zero ? timeout : throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "must be positive");
        return this;
    }

    public Scenario WithThresholds(params Threshold[] thresholds)
    {
        ArgumentNullException.ThrowIfNull(thresholds);
        Thresholds = [.. Thresholds, .. thresholds];
        return this;
    }

    public Scenario WithStreamingMetrics(StreamingMetrics metrics)
    {
        Streaming = metrics ?? throw new ArgumentNullException(nameof(metrics));
        return this;
    }
}
