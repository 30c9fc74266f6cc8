using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using FastAV.Live.Engine.Calibration;
using FastAV.Live.Server.Evaluation;

namespace FastAV.Live.Server.Calibration;

/// <summary>
/// Writes calibrate-NAME.json (the rule and the measured rollout shares), calibrate-NAME.md (a table) and
/// calibrate-NAME.svg and .pgm (heat maps: rows are layers 1..L top to bottom, columns media positions within the
/// window; the SVG labelled with each share and the rule's cut at layer K, the PGM plain grayscale, white the largest).
/// </summary>
public static class CalibrationReport
{
    /// <summary>Pixels per heat-map cell.</summary>
    public const int HeatMapScale = 24;

    /// <summary>The live planner's keep share when a stream gives none and the model is not calibrated (StreamPlanner).</summary>
    public const double DefaultKeepRatio = 0.75;

    public static IReadOnlyList<string> Write(string directory, string name, RolloutCalibrationResult result, JsonObject about)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(about);
        EvalReport.CheckName(name);

        Directory.CreateDirectory(directory);
        var json = Path.Combine(directory, $"calibrate-{name}.json");
        var md = Path.Combine(directory, $"calibrate-{name}.md");
        var svg = Path.Combine(directory, $"calibrate-{name}.svg");
        var pgm = Path.Combine(directory, $"calibrate-{name}.pgm");
        File.WriteAllText(json, Json(result, about));
        File.WriteAllText(md, Markdown(name, result, about));
        var layers = result.ShareByLayer.Length;
        var media = result.ShareByLayer[0].Length;
        var values = result.ShareByLayer.SelectMany(r => r).ToArray();
        var rowLabels = Enumerable.Range(1, layers).Select(l => l == result.GlobalLayer ? $"layer {l} (K)" : $"layer {l}").ToList();
        var title = $"{name}: rollout share by position in the window (keep first {result.KeepFirstMediaTokens} at layer {result.GlobalLayer}: {100 * result.KeptMass:F1} %)";
        File.WriteAllText(svg, HeatMap.Svg(values, rowLabels, ColumnLabels(result), title, (result.GlobalLayer - 1, result.KeepFirstMediaTokens)));
        File.WriteAllBytes(pgm, HeatMap.Pgm(values, layers, media, HeatMapScale));
        return [json, md, svg, pgm];
    }

    /// <summary>The rule as fastav.json's "calibration" object.</summary>
    public static JsonObject Rule(RolloutCalibrationResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return new JsonObject
        {
            ["global_layer"] = result.GlobalLayer,
            ["keep_first_media_tokens"] = result.KeepFirstMediaTokens,
            ["mass"] = result.TargetMass,
        };
    }

    /// <summary>N the criterion gives when every media token holds the same share: ⌈mass × media⌉.</summary>
    public static int UniformKept(double mass, int mediaTokens) => Math.Clamp((int)Math.Ceiling((mass * mediaTokens) - 1e-9), 1, mediaTokens);

    /// <summary>First media tokens the planner keeps without calibration: round(0.75 × media), at least 1.</summary>
    public static int DefaultKept(int mediaTokens) => Math.Max(1, (int)Math.Round(DefaultKeepRatio * mediaTokens));

    public static string Json(RolloutCalibrationResult result, JsonObject about)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(about);
        var k = result.GlobalLayer;
        var media = result.ShareByLayer[k - 1].Length;
        var defaultKept = DefaultKept(media);
        var root = (JsonObject)about.DeepClone();
        root["rule"] = Rule(result);
        root["kept_mass"] = result.KeptMass;
        root["alpha"] = result.Alpha;
        root["windows"] = result.Windows;
        root["sequence_tokens"] = result.SequenceTokens;
        root["video_tokens_per_window"] = result.VideoTokensPerWindow;
        root["audio_tokens_per_window"] = result.AudioTokensPerWindow;
        root["media_tokens_per_window"] = media;
        root["uncalibrated_default"] = new JsonObject
        {
            ["keep_first_media_tokens"] = defaultKept,
            ["mass"] = result.ShareByLayer[k - 1].Take(defaultKept).Sum(),
        };
        root["uniform_keep_first_media_tokens"] = UniformKept(result.TargetMass, media);
        root["keep_by_layer"] = new JsonArray(result.KeepByLayer.Select(n => (JsonNode)n).ToArray());
        root["share_by_layer"] = new JsonArray(result.ShareByLayer.Select(row => (JsonNode)new JsonArray(row.Select(v => (JsonNode)v).ToArray())).ToArray());
        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n";
    }

    public static string Markdown(string name, RolloutCalibrationResult result, JsonObject about)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(about);
        var k = result.GlobalLayer;
        var media = result.ShareByLayer[0].Length;
        var video = result.VideoTokensPerWindow;
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"# calibrate-{name}\n\n");
        foreach (var (key, value) in about)
        {
            var text = value is JsonValue v && v.TryGetValue<string>(out var str) ? str : value?.ToJsonString() ?? "null";
            sb.Append(CultureInfo.InvariantCulture, $"- {key}: {text}\n");
        }

        sb.Append(CultureInfo.InvariantCulture, $"\n**Rule: at layer {k} keep the first {result.KeepFirstMediaTokens} of {media} media tokens per window** ");
        sb.Append(CultureInfo.InvariantCulture, $"(the smallest N holding ≥ {Pct(result.TargetMass)} of the window's media rollout influence; they hold {Pct(result.KeptMass)}). ");
        var defaultKept = DefaultKept(media);
        sb.Append(CultureInfo.InvariantCulture, $"The uncalibrated default (round({DefaultKeepRatio} × {media}) = {defaultKept}) holds {Pct(result.ShareByLayer[k - 1].Take(defaultKept).Sum())}. ");
        sb.Append(CultureInfo.InvariantCulture, $"A window whose influence were flat would need {UniformKept(result.TargetMass, media)}: the further N is below that, the more the rollout favours a window's first tokens.\n\n");
        sb.Append(CultureInfo.InvariantCulture, $"Attention rollout (α = {result.Alpha}) over {result.Windows} windows of {result.Streams} streams ({result.SequenceTokens} tokens each: prefix + windows); ");
        sb.Append("each window's media influence (column sums of R_l) normalised to shares, averaged. Rows: rollout after layer l; columns: position within the window ");
        sb.Append(CultureInfo.InvariantCulture, $"(v = video, {video} tokens; a = audio, {result.AudioTokensPerWindow} tokens); shares in %, N = the criterion's count after that layer.\n\n");
        sb.Append(CultureInfo.InvariantCulture, $"![heat map](calibrate-{name}.svg)\n\n");
        sb.Append("| layer | N |" + string.Concat(ColumnLabels(result).Select(label => $" {label} |")) + "\n");
        sb.Append("|---:|---:|" + string.Concat(Enumerable.Range(0, media).Select(_ => "---:|")) + "\n");
        for (var l = 0; l < result.ShareByLayer.Length; l++)
        {
            var mark = l + 1 == k ? " **(K)**" : string.Empty;
            sb.Append(CultureInfo.InvariantCulture, $"| {l + 1}{mark} | {result.KeepByLayer[l]} |");
            sb.Append(string.Concat(result.ShareByLayer[l].Select(v => " " + (100 * v).ToString("F1", CultureInfo.InvariantCulture) + " |")));
            sb.Append('\n');
        }

        return sb.ToString();
    }

    private static List<string> ColumnLabels(RolloutCalibrationResult result)
    {
        var video = result.VideoTokensPerWindow;
        return Enumerable.Range(0, result.ShareByLayer[0].Length).Select(j => j < video ? $"v{j}" : $"a{j - video}").ToList();
    }

    private static string Pct(double v) => (100 * v).ToString("F1", CultureInfo.InvariantCulture) + " %";
}
