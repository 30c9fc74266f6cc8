using FastAV.Live.LoadTests.Cli;
using FastAV.Live.LoadTests.Streaming;
using Contract = FastAV.Live.Contracts.V1;

namespace FastAV.Live.LoadTests.Scenarios;

/// <summary>
/// The scenarios by name, each with its default sizes (flags override them) and its default thresholds (the exit
/// code follows them; --threshold adds more). capacity runs through <see cref="CapacityScenario"/> instead.
/// </summary>
public static class ScenarioCatalog
{
    public static readonly IReadOnlyDictionary<string, string> Descriptions = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["smoke"] = "3 cameras for 20 s, Ask at 1/s and an operator console from another client; fails on any failed request, missing answer, dropped window or decode error (CI; under 60 s)",
        ["camera-fleet"] = "cameras ramp 0 → 16 over 30 s (RampingConstant), hold 60 s, ramp down over 10 s; real-time H.264 + PCM with standing questions",
        ["ask-storm"] = "8 live cameras; Ask calls from other clients ramp to 5/s over 10 s (RampingInject) and hold (Inject), open-loop",
        ["reconnect-churn"] = "8 cameras that drop (cancel) or close every 2–5 s and reopen under the same id, beside 4 steady ones that must be unaffected",
        ["hostile-mix"] = "6 healthy cameras; 4 hostile clients (own connections; --shared-connections to share them) send hostile input of 13 kinds mid-stream (malformed messages, a clock that jumps an hour ahead or restarts at 0); each must get exactly the contract's warning or status, the healthy ones nothing",
        ["soak"] = "3 unpruned and 3 FastAV cameras side by side for 10 minutes (KeepConstant; --streams per policy, --policies to choose) with Ask at 1/s (--rate); --speed X pushes media X times faster than real time: RSS, managed heap, live tensors and KV sampled from the server, their drift after warm-up within ±5 % (soak.json/.md/.svg)",
        ["capacity"] = "largest fleet with p95 standing-answer latency < 1 s and no dropped window, bisected; unpruned and FastAV alternated in one run",
    };

    private static string PolicyName(Contract.PruningPolicy p) => p == Contract.PruningPolicy.None ? "unpruned" : StatusCodes.UpperSnake(p.ToString()).ToLowerInvariant();

    private static TimeSpan Rest(TimeSpan t) => t > TimeSpan.FromSeconds(1) ? t : TimeSpan.FromSeconds(1);

    public static (Scenario[] Scenarios, Threshold[] Thresholds) Build(LoadOptions o, Fleet fleet)
    {
        ArgumentNullException.ThrowIfNull(o);
        ArgumentNullException.ThrowIfNull(fleet);
        var settings = new CameraSettings { Policy = o.Policy, StandingQuestions = o.StandingQuestions, IntervalMs = o.IntervalMs, MaxTokens = o.MaxTokens, RealTime = o.RealTime, MediaSpeed = o.Speed };
        StreamingMetrics Metrics() => new(o.LateMs);
        TimeSpan D(TimeSpan fallback) => o.Duration ?? fallback;
        int N(int fallback) => o.Streams ?? fallback;
        Threshold T(string text) => ThresholdParser.Parse(text);
        switch (o.Scenario)
        {
            case "smoke":
            {
                var d = D(TimeSpan.FromSeconds(20));
                var camera = CameraScenario.Create("camera", fleet, settings, Metrics()).WithWarmUpDuration(o.WarmUp ?? TimeSpan.Zero)
                    .WithLoadSimulations(Simulation.KeepConstant(N(3), d));
                var askStart = TimeSpan.FromSeconds(Math.Min(5, d.TotalSeconds / 3));
                var ask = AskScenario.Create("ask", fleet, Metrics(), o.MaxTokens).WithoutWarmUp()
                    .WithLoadSimulations(Simulation.Pause(askStart), Simulation.Inject(o.Rate ?? 1, TimeSpan.FromSeconds(1), Rest(d - askStart - TimeSpan.FromSeconds(2))));
                var console = DirectoryScenario.Create("console", fleet).WithoutWarmUp()
                    .WithLoadSimulations(Simulation.Pause(askStart), Simulation.Inject(1, TimeSpan.FromSeconds(2), Rest(d - askStart - TimeSpan.FromSeconds(2))));
                return ([camera, ask, console], [
                    T("camera: FailRequest Count == 0"), T("camera/open: FailRequest Count == 0"), T("camera/close: FailRequest Count == 0"),
                    T("camera: Streaming answers > 0"), T("camera: Streaming missing == 0"), T("camera: Streaming windows_dropped == 0"),
                    T("camera: Streaming decode_errors == 0"), T("camera: Streaming streams_failed == 0"),
                    T("ask: FailRequest Count == 0"), T("ask: OkRequest Count > 0"), T("console: FailRequest Count == 0"),
                ]);
            }

            case "camera-fleet":
            {
                var n = N(16);
                var camera = CameraScenario.Create("camera", fleet, settings, Metrics()).WithWarmUpDuration(o.WarmUp ?? TimeSpan.FromSeconds(10))
                    .WithLoadSimulations(
                        Simulation.RampingConstant(n, o.Ramp ?? TimeSpan.FromSeconds(30)),
                        Simulation.KeepConstant(n, D(TimeSpan.FromSeconds(60))),
                        Simulation.RampingConstant(0, TimeSpan.FromSeconds(10)));
                return ([camera], [T("camera: FailRequest Count == 0"), T("camera: Streaming windows_dropped == 0"), T("camera: Streaming missing == 0"), T($"camera: Streaming standing_p95 < {o.LateMs}")]);
            }

            case "ask-storm":
            {
                var d = D(TimeSpan.FromSeconds(60));
                var rate = o.Rate ?? 5;
                var camera = CameraScenario.Create("camera", fleet, settings, Metrics()).WithWarmUpDuration(o.WarmUp ?? TimeSpan.Zero)
                    .WithLoadSimulations(Simulation.KeepConstant(N(8), d));
                var ask = AskScenario.Create("ask", fleet, Metrics(), o.MaxTokens).WithoutWarmUp()
                    .WithLoadSimulations(
                        Simulation.Pause(TimeSpan.FromSeconds(5)),
                        Simulation.RampingInject(rate, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10)),
                        Simulation.Inject(rate, TimeSpan.FromSeconds(1), Rest(d - TimeSpan.FromSeconds(17))));
                return ([camera, ask], [T("ask: FailRequest Percent < 1"), T("ask: OkRequest Count > 0"), T("camera: Streaming windows_dropped == 0")]);
            }

            case "reconnect-churn":
            {
                var d = D(TimeSpan.FromSeconds(60));
                var churn = ChurnScenario.Create("churn", fleet, settings, Metrics()).WithWarmUpDuration(o.WarmUp ?? TimeSpan.Zero)
                    .WithLoadSimulations(Simulation.KeepConstant(N(8), d));
                var steady = CameraScenario.Create("steady", fleet, settings, Metrics()).WithWarmUpDuration(o.WarmUp ?? TimeSpan.Zero)
                    .WithLoadSimulations(Simulation.KeepConstant(4, d));
                return ([churn, steady], [
                    T("churn: FailRequest Count == 0"), T("churn/reopen: FailRequest Count == 0"),
                    T("steady: FailRequest Count == 0"), T("steady: Streaming missing == 0"), T("steady: Streaming windows_dropped == 0"),
                ]);
            }

            case "hostile-mix":
            {
                var d = D(TimeSpan.FromSeconds(60));
                var healthy = CameraScenario.Create("healthy", fleet, settings, Metrics()).WithWarmUpDuration(o.WarmUp ?? TimeSpan.Zero)
                    .WithLoadSimulations(Simulation.KeepConstant(N(6), d));
                // Hostile clients are other clients: their own connections, unless --shared-connections puts them beside
                // the healthy streams on the same HTTP/2 connections (as an L7 proxy multiplexing upstream would).
                var hostile = HostileScenario.Create("hostile", o.SharedConnections ? fleet : fleet.Isolated(), settings, Metrics(), HostileCase.Select(o.HostileCases)).WithWarmUpDuration(o.WarmUp ?? TimeSpan.Zero)
                    .WithLoadSimulations(Simulation.Pause(TimeSpan.FromSeconds(3)), Simulation.KeepConstant(4, Rest(d - TimeSpan.FromSeconds(3))));
                return ([healthy, hostile], [
                    T("healthy: FailRequest Count == 0"), T("healthy: Streaming missing == 0"), T("healthy: Streaming windows_dropped == 0"),
                    T("healthy: Streaming warnings == 0"), T("healthy: Streaming streams_failed == 0"),
                    T("hostile: FailRequest Count == 0"), T("hostile: OkRequest Count > 0"),
                ]);
            }

            case "soak":
            {
                // One camera scenario per policy, side by side on the same server (default unpruned and FastAV).
                var policies = o.Policies.Count > 0 ? o.Policies.Distinct().ToList() : [Contract.PruningPolicy.None, Contract.PruningPolicy.Fastav];
                var scenarios = policies.Select(p => CameraScenario.Create(PolicyName(p), fleet, settings with { Policy = p }, Metrics())
                    .WithWarmUpDuration(o.WarmUp ?? TimeSpan.FromSeconds(30))
                    .WithLoadSimulations(Simulation.KeepConstant(N(3), D(TimeSpan.FromMinutes(10))))).ToArray();
                var thresholds = policies.SelectMany(p => new[] { "FailRequest Count == 0", "Streaming windows_dropped == 0", "Streaming missing == 0", "Streaming streams_failed == 0" }.Select(t => T($"{PolicyName(p)}: {t}"))).ToList();
                var measured = D(TimeSpan.FromMinutes(10));
                if (o.Rate != 0)
                {
                    // Ask traffic from other clients beside the cameras, after they are up.
                    var askStart = TimeSpan.FromSeconds(Math.Min(5, measured.TotalSeconds / 4));
                    scenarios = [.. scenarios, AskScenario.Create("ask", fleet, Metrics(), o.MaxTokens).WithoutWarmUp()
                        .WithLoadSimulations(Simulation.Pause(askStart), Simulation.Inject(o.Rate ?? 1, TimeSpan.FromSeconds(1), Rest(measured - askStart - TimeSpan.FromSeconds(2))))];
                    thresholds.Add(T("ask: FailRequest Count == 0"));
                    thresholds.Add(T("ask: OkRequest Count > 0"));
                }

                return (scenarios, [.. thresholds]);
            }

            default:
                throw new FormatException($"unknown scenario '{o.Scenario}' (scenarios: {string.Join(", ", Descriptions.Keys)})");
        }
    }
}
