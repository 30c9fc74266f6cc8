using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using FastAV.Live.Models.Composition;
using FastAV.Live.Models.Config;
using FastAV.Live.Server.Calibration;
using FastAV.Live.Server.Evaluation;
using FastAV.Live.Server.Inference;

namespace FastAV.Live.Server.Verbs;

/// <summary>
/// <c>fastav calibrate --model DIR (--set DIR | [--seed N] --count N) [--out DIR] [--name NAME] [--mass X] [--layer K]
/// [--alpha A] [--note TEXT] [--write-model] [--python PATH]</c>: attention rollout over sample streams (offline, full attention maps)
/// → FastAV's global keep rule for layer K (<see cref="RolloutCalibration"/>), written as calibrate-NAME.json / .md /
/// .pgm under --out (default benchmarks/results). --write-model records the rule in the model's fastav.json as
/// "calibration" (the live planner's FastAV default from then on). Without --set, training/export_set.py writes the set
/// of --seed (default 1001) and --count streams into a temporary folder, as for <c>fastav eval</c>.
/// Exit codes: 0 done, 1 the calibration failed, 2 bad usage, model or set.
/// </summary>
public static class CalibrateVerb
{
    public const string Usage = "usage: fastav calibrate --model DIR (--set DIR | [--seed N] --count N) [--out DIR] [--name NAME] [--mass X (0..1], default 0.9] [--layer K (default L/2)] [--alpha A [0..1], default 0.5] [--note TEXT] [--write-model] [--python PATH]";

    public const string Help = Usage + """

        FastAV's global keep rule by attention rollout over sample streams (offline, full attention maps): the smallest N
        first media tokens per window holding --mass of the rollout at layer --layer, written as calibrate-NAME.json, .md,
        .svg and .pgm. Give --set or --count.
          --model DIR      model directory (required)
          --set DIR        sample streams (training/export_set.py)  default: none (made from --seed and --count)
          --count N        streams of a set made now, 1..100000     default: none
          --seed N         seed of the set made now                 default 1001
          --mass X         rollout mass the kept tokens hold, (0,1] default 0.9
          --layer K        layer of the global prune                default: half the model's layers
          --alpha A        residual mix of the rollout, [0,1]       default 0.5
          --write-model    record the rule in the model's fastav.json ("calibration")   default: off
          --out DIR        where the report goes                    default benchmarks/results
          --name NAME      report name                              default: the model's name
          --note TEXT      a note kept in the report                default: none
          --python PATH    Python with PyTorch that makes the set   default /usr/bin/python3
          --help, -h       this help
        exit codes: 0 done, 1 the calibration failed, 2 bad usage, model or set

        """;

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
        int? seed = null, count = null, layer = null;
        double mass = 0.9, alpha = 0.5;
        var writeModel = false;
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
                case "--write-model": writeModel = true; break;
                case "--seed" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var s): seed = s; i++; break;
                case "--count" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var c) && c is >= 1 and <= 100_000: count = c; i++; break;
                case "--layer" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var k) && k >= 1: layer = k; i++; break;
                case "--mass" when double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var m) && m > 0 && m <= 1: mass = m; i++; break;
                case "--alpha" when double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var a) && a >= 0 && a <= 1: alpha = a; i++; break;
                default:
                    await stderr.WriteLineAsync($"fastav calibrate: unexpected, incomplete or out-of-range argument '{args[i]}'{(value is null ? string.Empty : $" '{value}'")}. {Usage}");
                    return 2;
            }
        }

        if (model is null)
        {
            await stderr.WriteLineAsync($"fastav calibrate: --model DIR is required. {Usage}");
            return 2;
        }

        if ((set is null) == (count is null))
        {
            await stderr.WriteLineAsync($"fastav calibrate: give either --set DIR or --count N. {Usage}");
            return 2;
        }

        if (await VerbRun.ResolveModelAsync("fastav calibrate", model, stderr) is not { } modelDir)
        {
            return 2;
        }

        return await VerbRun.RunAsync("fastav calibrate", "fastav-calibrate-", stderr, async tempDir =>
        {
            using var av = AvModel.Load(modelDir);
            var layers = av.Decoder.Config.LayerCount;
            if (layer is { } k && k >= layers)
            {
                await stderr.WriteLineAsync($"fastav calibrate: --layer {k} must be within 1..{layers - 1} for {StreamPlanner.ModelName(av)} ({layers} layers). {Usage}");
                return 2;
            }

            if (set is null)
            {
                var temp = tempDir();
                await EvalVerb.ExportSetAsync(python!, seed ?? 1001, count!.Value, temp);
                set = temp;
            }

            var heldOut = HeldOutSet.Load(set);
            var clock = Stopwatch.StartNew();
            var result = new RolloutCalibration(av, new RolloutCalibrationOptions { Mass = mass, Layer = layer, Alpha = alpha }).Run(heldOut, stdout);
            var about = new JsonObject
            {
                ["model"] = av.Manifest.Name ?? Path.GetFileName(modelDir),
                ["model_directory"] = EvalVerb.Shown(modelDir),
                ["weights_sha256"] = EvalVerb.WeightsHash(modelDir),
                ["set_seed"] = heldOut.Seed,
                ["streams"] = heldOut.StreamCount,
                ["windows_per_stream"] = heldOut.WindowCount,
                ["layers"] = layers,
            };
            VerbRun.Stamp(about, clock, note);
            await VerbRun.ReportWrittenAsync(CalibrationReport.Write(outDir, name ?? av.Manifest.Name ?? "model", result, about), stdout);

            await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"rule: at layer {result.GlobalLayer} keep the first {result.KeepFirstMediaTokens} of {result.VideoTokensPerWindow + result.AudioTokensPerWindow} media tokens ({100 * result.KeptMass:F1} % of rollout mass, target {100 * mass:F1} %)"));
            if (writeModel)
            {
                await stdout.WriteLineAsync($"wrote {WriteModel(modelDir, result)}");
            }

            return 0;
        });
    }

    /// <summary>
    /// Sets fastav.json's "calibration" to the rule, keeping every other field as it is; the new file is parsed back
    /// before it replaces the old one, so a failure leaves the model untouched.
    /// </summary>
    public static string WriteModel(string modelDir, RolloutCalibrationResult result)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelDir);
        ArgumentNullException.ThrowIfNull(result);
        var path = Path.Combine(modelDir, FastAvConfig.FileName);
        var root = JsonNode.Parse(File.ReadAllText(path), documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true }) as JsonObject
            ?? throw new InvalidDataException($"{path}: the top level is not an object");
        root["calibration"] = CalibrationReport.Rule(result);
        var text = root.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n";
        var written = FastAvConfig.Parse(text, path);
        if (written.Calibration?.KeepFirstMediaTokens != result.KeepFirstMediaTokens)
        {
            throw new InvalidOperationException($"{path}: the calibration did not read back");
        }

        var next = path + ".calibrating";
        File.WriteAllText(next, text);
        File.Move(next, path, overwrite: true);
        return path;
    }
}
