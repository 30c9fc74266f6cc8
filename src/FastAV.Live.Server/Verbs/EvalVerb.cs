using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using FastAV.Live.Models.Composition;
using FastAV.Live.Server.Evaluation;
using FastAV.Live.Server.Inference;

namespace FastAV.Live.Server.Verbs;

/// <summary>
/// <c>fastav eval [--model DIR] (--set DIR | [--seed N] --count N) [--out DIR] [--name NAME] [--note TEXT] [--python PATH]</c>: accuracy
/// of every pruning setting (<see cref="PruningSweep"/>) on a held-out set, written as eval-NAME.json / .md / .svg under
/// --out (default benchmarks/results). Without --set, training/export_set.py (found above the executable or the working
/// directory) writes the set of --seed (default 1001, the held-out seed) and --count streams into a temporary folder.
/// Exit codes: 0 done, 1 the evaluation failed, 2 bad usage, model or set.
/// <c>fastav eval --streaming ...</c> is the long-stream evaluation under bounded caches (<see cref="StreamingEvalVerb"/>).
/// </summary>
public static class EvalVerb
{
    public const string Usage = "usage: fastav eval [--model DIR] (--set DIR | [--seed N] --count N) [--out DIR] [--name NAME] [--note TEXT] [--python PATH]";

    public const string Help = Usage + """

        Accuracy and FLOPs of every pruning setting on a held-out set of the model's world, written as
        eval-NAME.json, .md and .svg. Give --set or --count.
          --model DIR      model directory                          default: the embedded models/fastav-tiny
          --set DIR        a held-out set (training/export_set.py)  default: none (made from --seed and --count)
          --count N        streams of a set made now, 1..100000     default: none
          --seed N         seed of the set made now                 default 1001 (the held-out seed)
          --out DIR        where the report goes                    default benchmarks/results
          --name NAME      report name                              default: the model's name
          --note TEXT      a note kept in the report                default: none
          --python PATH    Python with PyTorch that makes the set   default /usr/bin/python3
          --streaming      the long-stream evaluation instead (fastav eval --streaming --help)
          --help, -h       this help
        exit codes: 0 done, 1 the evaluation failed, 2 bad usage, model or set

        """;

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdout);
        var streaming = Array.IndexOf(args, "--streaming");
        if (streaming < 0 && VerbRun.AsksForHelp(args))
        {
            await stdout.WriteAsync(Help);
            return 0;
        }

        if (streaming >= 0)
        {
            return await StreamingEvalVerb.RunAsync([.. args[..streaming], .. args[(streaming + 1)..]], stdout, stderr);
        }

        string? model = null, set = null, name = null, note = null, python = "/usr/bin/python3";
        var outDir = Path.Combine("benchmarks", "results");
        int? seed = null, count = null;
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
                case "--seed" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var s): seed = s; i++; break;
                case "--count" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var c) && c is >= 1 and <= 100_000: count = c; i++; break;
                default:
                    await stderr.WriteLineAsync($"fastav eval: unexpected or incomplete argument '{args[i]}'. {Usage}");
                    return 2;
            }
        }

        if ((set is null) == (count is null))
        {
            await stderr.WriteLineAsync($"fastav eval: give either --set DIR or --count N. {Usage}");
            return 2;
        }

        if (await VerbRun.ResolveModelAsync("fastav eval", model, stderr) is not { } modelDir)
        {
            return 2;
        }

        return await VerbRun.RunAsync("fastav eval", "fastav-eval-", stderr, async tempDir =>
        {
            if (set is null)
            {
                var temp = tempDir();
                await ExportSetAsync(python!, seed ?? 1001, count!.Value, temp);
                set = temp;
            }

            var heldOut = HeldOutSet.Load(set);
            using var av = AvModel.Load(modelDir);
            var settings = PruningSweep.For(av.Prompt.VideoTokens + av.Prompt.AudioTokens, av.FramesPerWindow, Inference.StreamPlanner.DefaultFastAvKeep(av));
            var clock = Stopwatch.StartNew();
            var rows = new AccuracyEvaluation(av).Run(heldOut, settings, stdout);
            var about = new JsonObject
            {
                ["model"] = av.Manifest.Name ?? Path.GetFileName(modelDir),
                ["model_directory"] = Shown(modelDir),
                ["weights_sha256"] = WeightsHash(modelDir),
                ["set_seed"] = heldOut.Seed,
                ["streams"] = heldOut.StreamCount,
                ["windows_per_stream"] = heldOut.WindowCount,
                ["questions"] = heldOut.Questions.Count,
            };
            VerbRun.Stamp(about, clock, note);
            await VerbRun.ReportWrittenAsync(EvalReport.Write(outDir, name ?? av.Manifest.Name ?? "model", rows, about), stdout);

            return 0;
        });
    }

    /// <summary>training/export_set.py: the held-out set of a seed (also used by `fastav calibrate`).</summary>
    internal static Task ExportSetAsync(string python, int seed, int count, string outDir) =>
        RunTrainingScriptAsync(python, "export_set.py", ["--seed", seed.ToString(CultureInfo.InvariantCulture), "--count", count.ToString(CultureInfo.InvariantCulture), "--out", outDir]);

    /// <summary>Runs training/SCRIPT (found above the working directory or the executable) with python; throws on failure.</summary>
    internal static async Task RunTrainingScriptAsync(string python, string scriptName, IEnumerable<string> args)
    {
        var script = FindTrainingScript(scriptName);
        var start = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args.Prepend(script))
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {python}");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{script} exited with {process.ExitCode}: {(await errors).Trim()}");
        }

        await output;
    }

    private static string FindTrainingScript(string scriptName)
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var script = Path.Combine(dir.FullName, "training", scriptName);
                if (File.Exists(script))
                {
                    return script;
                }
            }
        }

        throw new FileNotFoundException($"training/{scriptName} was not found above the working directory or the executable; pass --set DIR");
    }

    // A committed result should not carry this machine's absolute paths: relative to the working directory when inside it.
    internal static string Shown(string path)
    {
        var relative = Path.GetRelativePath(Directory.GetCurrentDirectory(), path);
        return relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative) ? path : relative;
    }

    // Names the weights a result was measured with (the committed model changes when it is retrained).
    internal static string WeightsHash(string modelDir)
    {
        var path = Path.Combine(modelDir, "model.safetensors");
        if (!File.Exists(path))
        {
            return "sharded";
        }

        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream))[..16];
    }
}
