using System.Diagnostics;
using System.Globalization;
using FastAV.Live.LoadTests.Capacity;
using FastAV.Live.LoadTests.Scenarios;
using FastAV.Live.LoadTests.Stats;
using FastAV.Live.LoadTests.Streaming;
using Contract = FastAV.Live.Contracts.V1;

namespace FastAV.Live.Benchmarks.E2e;

/// <summary>
/// The run: one `fastav serve` per model (and engine-step mode), the arms (each server × unpruned and FastAV), a
/// warm-up stream per arm, the latency probe (one stream alone per arm, arms alternating), then the load generator's
/// capacity search over every arm at once — its levels alternate arms, so both policies of a model see the same
/// machine. Each level runs through <see cref="CapacityScenario.RunLevelAsync"/> and is judged by
/// <see cref="CapacityScenario.Measure"/> and <see cref="CapacitySearch"/>; this class adds the servers, the load
/// average and the per-level figures the result files carry.
/// </summary>
internal sealed class CapacityBench(E2eOptions options, IReadOnlyList<ArmServer> servers, Action<string> log)
{
    private readonly Dictionary<CapacityArm, ArmServer> _serverOf = [];

    public List<CapacityArm> Arms { get; } = [];

    public List<ProbeResult> Probes { get; } = [];

    public List<LevelDetail> Details { get; } = [];

    public CapacityResult? Result { get; private set; }

    public TimeSpan Elapsed { get; private set; }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        foreach (var s in servers)
        {
            foreach (var policy in new[] { Contract.PruningPolicy.None, Contract.PruningPolicy.Fastav })
            {
                var arm = new CapacityArm(s.Model, policy, s.Engine, s.Model == "camera-scale" ? options.CameraStart : options.TinyStart);
                Arms.Add(arm);
                _serverOf[arm] = s;
            }
        }

        // JIT, first-touch and model warm-up stay out of the numbers: one short stream per arm first.
        foreach (var arm in Arms)
        {
            log($"warm-up: {arm}");
            await LevelAsync(arm, Settings(arm), 1, TimeSpan.FromSeconds(4), TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
        }

        foreach (var arm in Arms)
        {
            var probe = Settings(arm) with { StandingQuestions = 1, IntervalMs = 1000, MaxTokens = 1, MediaSpeed = options.ProbeSpeed };
            var cpu = new ServerCpu(_serverOf[arm].Server.Pid);
            var stats = await LevelAsync(arm, probe, 1, TimeSpan.FromSeconds(options.ProbeWindows / options.ProbeSpeed), TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
            var cpuSeconds = cpu.Seconds;
            var st = stats.Streaming!;
            var result = new ProbeResult(arm, st.ServerStandingLatency.P50, st.ServerStandingLatency.P95, st.StandingLatency.P50, st.StandingLatency.Count, st.AnswersExpected, st.WindowsPrefilled, st.KvBytesPerStreamMean, st.FlopsPerMediaSecond, st.WindowsDropped, cpuSeconds / Math.Max(1, st.WindowsPrefilled * _serverOf[arm].WindowSeconds));
            Probes.Add(result);
            log(string.Create(CultureInfo.InvariantCulture, $"probe: {arm,-40} window complete → first answer token p50 {result.ServerP50Ms,7:0.0} ms (server), KV {result.KvBytesPerStream / 1e6:0.00} MB, ingest {result.FlopsPerMediaSecond / 1e6:0.###} MFLOP per media second, server CPU {result.CpuPerMediaSecond:0.000} s per media second, {result.Answers} of {result.AnswersExpected} answers{(result.Complete ? "" : " — incomplete: the engine did not keep up")}"));
        }

        var search = new CapacityOptions
        {
            StartStreams = Arms.Min(a => a.StartStreams),
            MaxStreams = options.MaxStreams,
            LimitMs = options.LimitMs,
            LevelDuration = options.LevelDuration,
        };
        Result = await CapacitySearch.RunAsync(Arms, async (arm, n, ct) =>
        {
            var sampler = new LoadAverageSampler();
            var cpu = new ServerCpu(_serverOf[arm].Server.Pid);
            ScenarioStats stats;
            await using (sampler.ConfigureAwait(false))
            {
                stats = await LevelAsync(arm, Settings(arm), n, options.LevelDuration, TimeSpan.FromMilliseconds(options.StaggerMs), ct).ConfigureAwait(false);
            }

            var cpuSeconds = cpu.Seconds;
            var (mean, max) = sampler.Summary();
            var st = stats.Streaming!;
            Details.Add(new LevelDetail(arm, mean, max, st.ServerStandingLatency.P95, st.KvBytesPerStreamMean, st.FlopsPerMediaSecond, st.ServerRssMaxBytes, cpuSeconds / Math.Max(1, st.WindowsPrefilled * _serverOf[arm].WindowSeconds)));
            return CapacityScenario.Measure(stats);
        }, search, level =>
        {
            var d = Details[level.Order - 1];
            log(string.Create(CultureInfo.InvariantCulture,
                $"level {level.Order,3}: {level.Model,-12} {level.Policy,-8} {level.Streams,4} streams  p50 {level.P50Ms,7:0.0} ms  p95 {level.P95Ms,7:0.0} ms  answers {level.Answers,6}  dropped {level.WindowsDropped,4}  load {d.LoadMean,5:0.0}  {(level.Passed ? "holds" : "fails: " + level.Why)}"));
        }, cancellationToken).ConfigureAwait(false);
        Elapsed = clock.Elapsed;
    }

    public ArmServer ServerOf(CapacityArm arm) => _serverOf[arm];

    private CameraSettings Settings(CapacityArm arm) => new()
    {
        Policy = arm.Policy,
        StandingQuestions = options.StandingQuestions,
        IntervalMs = options.IntervalMs,
        MaxTokens = options.MaxTokens,
    };

    private Task<ScenarioStats> LevelAsync(CapacityArm arm, CameraSettings settings, int streams, TimeSpan hold, TimeSpan stagger, CancellationToken cancellationToken)
    {
        var server = _serverOf[arm];
        return CapacityScenario.RunLevelAsync(server.Fleet, settings, streams, hold, stagger, options.LimitMs, server.Server.ReadRssBytes, options.Seed, cancellationToken);
    }
}
