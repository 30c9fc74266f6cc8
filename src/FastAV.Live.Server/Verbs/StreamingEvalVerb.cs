using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using FastAV.Live.Models.Composition;
using FastAV.Live.Server.Evaluation;
using FastAV.Live.Server.Inference;

namespace FastAV.Live.Server.Verbs;

/// <summary>
/// <c>fastav eval --streaming [--model DIR] (--set DIR | [--seed N] (--minutes M | --scenes N)) [--budgets 1,2,4,8,max]
/// [--policies streaming-llm,a2sf,paged,infinipot-v] [--pruning none,fastav] [--out DIR] [--name NAME] [--note TEXT]
/// [--python PATH]</c>: one long stream of consecutive scenes (training/export_long_stream.py writes it for --seed,
/// default 1001, when no --set is given) through the engine under every budget × eviction policy × pruning
/// (<see cref="StreamingSweep"/>), written as eval-streaming-NAME.json / .md / .svg under --out (default
/// benchmarks/results). Budgets are scene counts (a scene's worth of tokens each) or "max". Exit codes as `fastav eval`.
/// </summary>
public static class StreamingEvalVerb
{
    public const string Usage = "usage: fastav eval --streaming [--model DIR] (--set DIR | [--seed N] (--minutes M | --scenes N)) [--budgets 1,2,4,8,max] [--policies streaming-llm,a2sf,paged,infinipot-v] [--pruning none,fastav] [--out DIR] [--name NAME] [--note TEXT] [--python PATH]";

    public const string Help = Usage + """

        One long stream of consecutive scenes through the engine under every KV budget × eviction policy × pruning,
        written as eval-streaming-NAME.json, .md and .svg. Give exactly one of --set, --minutes, --scenes.
          --model DIR      model directory                                  default: the embedded models/fastav-tiny
          --set DIR        a long stream (training/export_long_stream.py)   default: none (made from --seed)
          --minutes M      minutes of stream made now, up to 600            default: none
          --scenes N       scenes of stream made now, 1..100000             default: none
          --seed N         seed of the stream made now                      default 1001
          --budgets LIST   KV budgets in scenes' worth of tokens, or max    default 1,2,4,8,max
          --policies LIST  eviction policies                                default streaming-llm,a2sf,paged,infinipot-v
          --pruning LIST   none and/or fastav                               default none,fastav
          --out DIR        where the report goes                            default benchmarks/results
          --name NAME      report name                                      default: the model's name
          --note TEXT      a note kept in the report                        default: none
          --python PATH    Python with PyTorch that makes the stream        default /usr/bin/python3
          --help, -h       this help
        exit codes: 0 done, 1 the evaluation failed, 2 bad usage, model or set

        """;

    /// <summary>Ten simulated hours: far beyond what the evaluation needs, and a bound on what a typo can ask for.</summary>
    public const double MaxMinutes = 600;

    /// <summary>A scene's windows when the set does not say (training/fastav_tiny/world.py's StreamConfig.windows).</summary>
    public const int DefaultWindowsPerScene = 6;

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        if (VerbRun.AsksForHelp(args))
        {
            await stdout.WriteAsync(Help);
            return 0;
        }

        string? model = null, set = null, name = null, note = null, python = "/usr/bin/python3";
        var outDir = Path.Combine("benchmarks", "results");
        int? seed = null, scenes = null;
        double? minutes = null;
        string budgets = "1,2,4,8,max", policies = string.Join(',', StreamingSweep.Policies), prunings = string.Join(',', StreamingSweep.Prunings);
        for (var i = 0; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : null;
            switch (args[i])
            {
                case "--model" when value is not null: model = value; i++; break;
                case "--set" when value is not null: set = value; i++; break;
                case "--out" when value is not null: outDir = value; i++; break;
                case "--name" when value is not null: name = value; i++; break;
                case "--python" when value is not null: python = value; i++; break;
                case "--note" when value is not null: note = value; i++; break;
                case "--budgets" when value is not null: budgets = value; i++; break;
                case "--policies" when value is not null: policies = value; i++; break;
                case "--pruning" when value is not null: prunings = value; i++; break;
                case "--seed" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var s): seed = s; i++; break;
                case "--scenes" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= 100_000: scenes = n; i++; break;
                case "--minutes" when double.TryParse(value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var m) && m > 0 && m <= MaxMinutes: minutes = m; i++; break;
                default:
                    await stderr.WriteLineAsync($"fastav eval --streaming: unexpected or incomplete argument '{args[i]}'. {Usage}");
                    return 2;
            }
        }

        if ((set is not null ? 1 : 0) + (minutes is not null ? 1 : 0) + (scenes is not null ? 1 : 0) != 1)
        {
            await stderr.WriteLineAsync($"fastav eval --streaming: give exactly one of --set DIR, --minutes M or --scenes N. {Usage}");
            return 2;
        }

        if (!TryParseBudgets(budgets, out var sceneCounts, out var includeMax, out var budgetError))
        {
            await stderr.WriteLineAsync($"fastav eval --streaming: --budgets {budgetError}. {Usage}");
            return 2;
        }

        var policyList = Split(policies);
        var pruningList = Split(prunings);
        var unknown = policyList.Where(p => !StreamingSweep.Policies.Contains(p)).Concat(pruningList.Where(p => !StreamingSweep.Prunings.Contains(p))).ToList();
        if (policyList.Count == 0 || pruningList.Count == 0 || unknown.Count > 0)
        {
            await stderr.WriteLineAsync($"fastav eval --streaming: unknown or empty --policies/--pruning ({string.Join(", ", unknown)}); policies: {string.Join(", ", StreamingSweep.Policies)}; pruning: {string.Join(", ", StreamingSweep.Prunings)}. {Usage}");
            return 2;
        }

        if (await VerbRun.ResolveModelAsync("fastav eval --streaming", model, stderr) is not { } modelDir)
        {
            return 2;
        }

        return await VerbRun.RunAsync("fastav eval --streaming", "fastav-eval-streaming-", stderr, async tempDir =>
        {
            if (set is null)
            {
                var temp = tempDir();
                var size = minutes is { } m ? new[] { "--minutes", m.ToString("R", CultureInfo.InvariantCulture) } : ["--scenes", scenes!.Value.ToString(CultureInfo.InvariantCulture)];
                await EvalVerb.RunTrainingScriptAsync(python!, "export_long_stream.py", [.. size, "--seed", (seed ?? 1001).ToString(CultureInfo.InvariantCulture), "--out", temp]);
                set = temp;
            }

            var longStream = HeldOutSet.Load(set);
            using var av = AvModel.Load(modelDir);
            var perScene = longStream.WindowsPerScene ?? DefaultWindowsPerScene;
            var settings = StreamingSweep.For(av, perScene, sceneCounts, includeMax, policyList, pruningList);
            var clock = Stopwatch.StartNew();
            var rows = new StreamingEvaluation(av).Run(longStream, settings, stdout);
            var about = new JsonObject
            {
                ["model"] = av.Manifest.Name ?? Path.GetFileName(modelDir),
                ["model_directory"] = EvalVerb.Shown(modelDir),
                ["weights_sha256"] = EvalVerb.WeightsHash(modelDir),
                ["set_seed"] = longStream.Seed,
                ["streams"] = longStream.StreamCount,
                ["windows_per_stream"] = longStream.WindowCount,
                ["simulated_minutes"] = Math.Round(longStream.WindowCount * av.Manifest.WindowSeconds / 60, 2),
                ["windows_per_scene"] = perScene,
                ["tokens_per_window"] = av.TokensPerWindow,
                ["prompt_tokens"] = av.Prompt.StreamPrefix.Length,
                ["max_positions"] = av.Decoder.Config.MaxPositionEmbeddings,
                ["questions"] = longStream.Questions.Count,
            };
            VerbRun.Stamp(about, clock, note);
            await VerbRun.ReportWrittenAsync(StreamingReport.Write(outDir, name ?? av.Manifest.Name ?? "model", rows, about), stdout);

            return 0;
        });
    }

    /// <summary>"1,2,4,8,max": positive scene counts (at most 16 budgets) and optionally "max".</summary>
    public static bool TryParseBudgets(string text, out IReadOnlyList<double> scenes, out bool includeMax, out string error)
    {
        ArgumentNullException.ThrowIfNull(text);
        var list = new List<double>();
        scenes = list;
        includeMax = false;
        error = string.Empty;
        var parts = Split(text);
        if (parts.Count is 0 or > 16)
        {
            error = $"needs 1..16 comma-separated budgets, got {parts.Count}";
            return false;
        }

        foreach (var p in parts)
        {
            if (p == "max")
            {
                includeMax = true;
            }
            else if (double.TryParse(p, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var k) && k > 0 && k <= 1e6)
            {
                list.Add(k);
            }
            else
            {
                error = $"'{p}' is neither a positive scene count (at most 1e6) nor 'max'";
                return false;
            }
        }

        return true;
    }

    private static List<string> Split(string text) => text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
}
