using System.Globalization;
using FastAV.Live.LoadTests.Reports;
using FastAV.Live.LoadTests.Scenarios;
using FastAV.Live.LoadTests.Streaming;
using Grpc.Core;
using Grpc.Net.Client;
using Contract = FastAV.Live.Contracts.V1;

namespace FastAV.Live.LoadTests.Cli;

/// <summary>
/// One run from the command line: options, the media (made once), the target (checked within seconds, or a local
/// `fastav serve` started), the scenarios or the capacity search, the reports, and the exit code.
/// </summary>
public static class LoadCommand
{
    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter error, bool liveView, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        LoadOptions o;
        try
        {
            o = LoadOptions.Parse(args);
            o.Validate();
            if (!o.Help && o.Scenario != "capacity" && !ScenarioCatalog.Descriptions.ContainsKey(o.Scenario)) throw new FormatException($"unknown scenario '{o.Scenario}' (scenarios: {string.Join(", ", ScenarioCatalog.Descriptions.Keys)})");
            foreach (var t in o.Thresholds) ThresholdParser.Parse(t);
        }
        catch (FormatException e)
        {
            await error.WriteLineAsync($"fastav-load: {e.Message}").ConfigureAwait(false);
            return ExitCodes.Usage;
        }

        if (o.Help)
        {
            await output.WriteLineAsync(Usage.Text()).ConfigureAwait(false);
            return ExitCodes.Passed;
        }

        var outDir = o.Out ?? Path.Combine("reports", o.Scenario, DateTime.Now.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture));
        var mediaDir = Path.Combine(Path.GetTempPath(), $"fastav-load-media-{Environment.ProcessId}");
        LocalServer? server = null;
        Fleet? fleet = null;
        try
        {
            MediaClip clip;
            try
            {
                var path = o.Media;
                if (path is null)
                {
                    await output.WriteLineAsync($"media: generating a {o.MediaSeconds} s world clip (H.264 + PCM) once for the run").ConfigureAwait(false);
                    path = await WorldClip.GenerateAsync(mediaDir, o.MediaSeconds, o.Seed, o.VideoSize, cancellationToken).ConfigureAwait(false);
                }

                clip = MediaClip.Load(path);
            }
            catch (Exception e) when (e is InvalidOperationException or IOException or InvalidDataException or TimeoutException or FastAV.Live.Media.MediaException)
            {
                await error.WriteLineAsync($"fastav-load: media: {e.Message}").ConfigureAwait(false);
                return ExitCodes.Setup;
            }

            Uri target;
            Func<long>? rss = null;
            if (o.Target is null)
            {
                var exe = o.Fastav ?? LocalServer.DefaultExecutable();
                if (exe is null)
                {
                    await error.WriteLineAsync("fastav-load: no --target given and no Release build of fastav found (dotnet build src/FastAV.Live.Server -c Release, or pass --fastav PATH)").ConfigureAwait(false);
                    return ExitCodes.Setup;
                }

                var serve = new List<string> { "--LiveAnalytics:MaxConcurrentStreams", "4096" };
                if (o.Model is not null) serve.AddRange(["--model", o.Model]);
                serve.AddRange(o.ServeArguments);
                await output.WriteLineAsync($"target: starting fastav serve ({string.Join(' ', serve)})").ConfigureAwait(false);
                try
                {
                    server = await LocalServer.StartAsync(exe, serve, o.ServePort, TimeSpan.FromMinutes(3), cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is InvalidOperationException or TimeoutException or FileNotFoundException or System.ComponentModel.Win32Exception)
                {
                    await error.WriteLineAsync($"fastav-load: local server: {e.Message}").ConfigureAwait(false);
                    return ExitCodes.Setup;
                }

                target = new Uri($"http://{server.Target}");
                rss = server.ReadRssBytes;
                await output.WriteLineAsync($"target: {server.Target} (local fastav serve, pid {server.Pid})").ConfigureAwait(false);
            }
            else
            {
                target = o.TargetUri()!;
                var reach = await ReachAsync(target, cancellationToken).ConfigureAwait(false);
                if (reach is not null)
                {
                    await error.WriteLineAsync($"fastav-load: cannot reach {target.Authority}: {reach}").ConfigureAwait(false);
                    return ExitCodes.Setup;
                }

                if (target.IsLoopback && ServerMemory.FindListener(target.Port) is { } pid) rss = () => ServerMemory.ReadRssBytes(pid);
            }

            fleet = new Fleet(target, clip, o.Channels);
            var notes = new List<string>(o.Notes);
            if (File.Exists("/proc/loadavg")) notes.Add($"machine load average (1, 5, 15 min) at the start: {string.Join(", ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3))} on {Environment.ProcessorCount} cores");
            notes.AddRange(new[]
            {
                $"media: {Path.GetFileName(clip.Path)}, {clip.DurationUs / 1e6:0.#} s looped, video {clip.Video?.Codec.ToString() ?? "none"} {clip.Video?.Width}x{clip.Video?.Height}, audio {clip.Audio?.Codec.ToString() ?? "none"} {clip.Audio?.SampleRateHz} Hz; {PoliciesNote(o)}, {o.StandingQuestions} standing questions every {o.IntervalMs} ms",
            });
            if (o.Scenario == "capacity")
            {
                var model = await ProbeModelAsync(fleet, cancellationToken).ConfigureAwait(false);
                var capacity = await CapacityScenario.RunAsync(fleet, o, model, target.Authority, rss, outDir, line => output.WriteLine(line), cancellationToken).ConfigureAwait(false);
                capacity = capacity with { TestInfo = capacity.TestInfo with { Notes = [.. notes, .. capacity.TestInfo.Notes] } };
                await ReportWriter.WriteAsync(capacity, outDir, [ReportFormat.Html, ReportFormat.Md, ReportFormat.Csv, ReportFormat.Txt]).ConfigureAwait(false);
                foreach (var row in capacity.Capacity!.Rows)
                {
                    await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"capacity: {row.Model} {row.Policy}: {row.MaxStreams} streams (p95 {row.P95Ms:0.0} ms, FLOPs ratio {row.FlopsRatio:0.000})")).ConfigureAwait(false);
                }

                await output.WriteLineAsync($"reports: {Path.GetFullPath(outDir)}").ConfigureAwait(false);
                return capacity.ExitCode;
            }

            using var samplerChannel = o.Scenario == "soak" ? GrpcChannel.ForAddress(target) : null;
            await using var sampler = samplerChannel is not null ? new ServerSampler(new Contract.LiveAnalytics.LiveAnalyticsClient(samplerChannel), TimeSpan.FromSeconds(Math.Clamp((o.Duration ?? TimeSpan.FromMinutes(10)).TotalSeconds / 120, 0.5, 10))) : null;
            sampler?.Start();
            var (scenarios, defaults) = ScenarioCatalog.Build(o, fleet);
            foreach (var s in scenarios) s.WithMaxFailCount(o.MaxFailCount);
            ILiveView view = liveView && o.Live ? new SpectreLiveView() : new PlainProgressView(output, TimeSpan.FromSeconds(5));
            var result = await LoadRunner.RegisterScenarios(scenarios)
                .WithTestName(o.Scenario)
                .WithReportFolder(outDir)
                .WithThresholds([.. defaults, .. o.Thresholds.Select(ThresholdParser.Parse)])
                .WithLiveView(view)
                .WithTarget(target.Authority + (server is null ? "" : " (local fastav serve)"))
                .WithNotes([.. notes])
                .WithSeed(o.Seed)
                .WithServerRss(rss)
                .RunAsync(cancellationToken).ConfigureAwait(false);
            await Summarise(result, outDir, output).ConfigureAwait(false);
            if (sampler is null) return result.ExitCode;
            await sampler.DisposeAsync().ConfigureAwait(false);
            // Measured: from the end of the warm-up plus a quarter of the run (the measured phase opens its cameras anew and
            // fills their caches), to just before its cameras close.
            var measuredSeconds = (o.Duration ?? TimeSpan.FromMinutes(10)).TotalSeconds;
            var warmUp = (o.WarmUp ?? TimeSpan.FromSeconds(30)).TotalSeconds + (0.25 * measuredSeconds);
            var soak = SoakReport.Analyse(sampler.Samples, o.Speed, warmUp, warmUp + (0.7 * measuredSeconds), o.DriftChecks, o.MaxDriftPercent);
            var prefix = o.Results ?? Path.Combine(outDir, "soak");
            await SoakReport.WriteAsync(prefix, soak, sampler.Samples, o.Speed, warmUp, o.MaxDriftPercent, notes).ConfigureAwait(false);
            foreach (var f in soak.Figures)
            {
                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"  soak {f.Name}: mean {f.Mean:0} {f.Unit}, drift {f.DriftPercent:0.00} % over {soak.MeasuredSimulatedHours:0.00} simulated h{(f.Checked ? (f.Held ? "" : " — FAILED") : " (not checked)")}")).ConfigureAwait(false);
            }

            await output.WriteLineAsync($"soak report: {Path.GetFullPath(prefix)}.md ({soak.MeasuredSamples} samples measured)").ConfigureAwait(false);
            return result.ExitCode != ExitCodes.Passed ? result.ExitCode : soak.Held ? ExitCodes.Passed : ExitCodes.Failed;
        }
        finally
        {
            fleet?.Dispose();
            if (server is not null) await server.DisposeAsync().ConfigureAwait(false);
            try
            {
                if (Directory.Exists(mediaDir)) Directory.Delete(mediaDir, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    /// <summary>Null when the server answers ListStreams within 5 s, else what went wrong.</summary>
    public static async Task<string?> ReachAsync(Uri target, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        using var channel = GrpcChannel.ForAddress(target);
        var client = new Contract.LiveAnalytics.LiveAnalyticsClient(channel);
        try
        {
            await client.ListStreamsAsync(new Contract.ListStreamsRequest { PageSize = 1 }, deadline: DateTime.UtcNow.AddSeconds(5), cancellationToken: cancellationToken).ConfigureAwait(false);
            return null;
        }
        catch (RpcException e)
        {
            return $"{StatusCodes.CanonicalName(e.StatusCode)}: {e.Status.Detail}";
        }
    }

    private static async Task<string> ProbeModelAsync(Fleet fleet, CancellationToken cancellationToken)
    {
        var probe = new CameraStream(fleet.Clients.GetClient(new ScenarioInfo("probe", 0, "probe_0")), fleet.Clip, new CameraSettings { StandingQuestions = 0 }, new StreamingMetrics(1000), $"capacity-probe-{Environment.ProcessId}", null, null, cancellationToken);
        await using (probe.ConfigureAwait(false))
        {
            await probe.OpenAsync().ConfigureAwait(false);
            return probe.Model.Length > 0 ? probe.Model : "(no model)";
        }
    }

    private static async Task Summarise(RunResult result, string outDir, TextWriter output)
    {
        await output.WriteLineAsync().ConfigureAwait(false);
        await output.WriteLineAsync($"{result.TestInfo.TestName}: {ReportContent.Verdict(result)} in {Cells.Seconds(result.Duration)}; {result.AllOkCount} ok, {result.AllFailCount} fail").ConfigureAwait(false);
        foreach (var s in result.ScenarioStats.Where(s => s.Streaming is not null))
        {
            var st = s.Streaming!;
            await output.WriteLineAsync($"  {s.ScenarioName}: standing answers {st.StandingLatency.Count} (p95 {Cells.Ms(st.StandingLatency.P95)} ms, late {st.AnswersLate}, missing {st.AnswersMissing}), windows dropped {st.WindowsDropped}, warnings {st.WarningCount}, Ask TTFT p95 {Cells.Ms(st.AskTimeToFirstToken.P95)} ms").ConfigureAwait(false);
        }

        foreach (var t in result.Thresholds.Where(t => t.IsFailed))
        {
            await output.WriteLineAsync($"  threshold FAILED: {t.ScenarioName}{(t.StepName.Length > 0 ? "/" + t.StepName : "")}: {t.CheckExpression} ({t.ErrorCount} of {t.CheckCount} checks){(t.ExceptionMsg.Length > 0 ? ": " + t.ExceptionMsg : "")}").ConfigureAwait(false);
        }

        await output.WriteLineAsync($"reports: {Path.GetFullPath(outDir)}").ConfigureAwait(false);
    }

    // The pruning policies the run's cameras use: --policies, else soak and capacity compare unpruned and FastAV, else --policy.
    private static string PoliciesNote(LoadOptions o)
    {
        IReadOnlyList<Contract.PruningPolicy> policies = o.Policies.Count > 0 ? o.Policies.Distinct().ToList()
            : o.Scenario is "soak" or "capacity" ? [Contract.PruningPolicy.None, Contract.PruningPolicy.Fastav] : [o.Policy];
        return (policies.Count == 1 ? "policy " : "policies ") + string.Join(", ", policies.Select(p => StatusCodes.UpperSnake(p.ToString())));
    }
}
