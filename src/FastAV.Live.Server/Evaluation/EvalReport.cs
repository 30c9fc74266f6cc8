using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace FastAV.Live.Server.Evaluation;

/// <summary>Writes eval-NAME.json (rows), eval-NAME.md (a table) and eval-NAME.svg (accuracy against FLOPs ratio).</summary>
public static class EvalReport
{
    /// <summary>A report name becomes part of file names: 1..100 of [A-Za-z0-9-_.], not starting with '.'.</summary>
    public static void CheckName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length == 0 || name.Length > 100 || name.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')) || name.StartsWith('.'))
        {
            throw new ArgumentException($"report name '{name}' must be 1..100 letters, digits, '-', '_' or '.'", nameof(name));
        }
    }

    public static IReadOnlyList<string> Write(string directory, string name, IReadOnlyList<EvalRow> rows, JsonObject about)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(about);
        CheckName(name);

        Directory.CreateDirectory(directory);
        var json = Path.Combine(directory, $"eval-{name}.json");
        var md = Path.Combine(directory, $"eval-{name}.md");
        var svg = Path.Combine(directory, $"eval-{name}.svg");
        File.WriteAllText(json, Json(rows, about));
        File.WriteAllText(md, Markdown(name, rows, about));
        File.WriteAllText(svg, AccuracyPlot.Svg(rows, $"{name}: accuracy vs FLOPs ratio"));
        return [json, md, svg];
    }

    /// <summary>Accuracy per question family, rounded as every report writes it.</summary>
    public static JsonObject Families(IReadOnlyDictionary<string, double> accuracy) =>
        new(accuracy.Select(f => KeyValuePair.Create(f.Key, (JsonNode?)Math.Round(f.Value, 4))));

    public static string Json(IReadOnlyList<EvalRow> rows, JsonObject about)
    {
        var array = new JsonArray();
        foreach (var r in rows)
        {
            array.Add(new JsonObject
            {
                ["policy"] = r.Policy,
                ["setting"] = r.Setting,
                ["accuracy"] = Math.Round(r.Accuracy, 4),
                ["families"] = Families(r.FamilyAccuracy),
                ["questions"] = r.Questions,
                ["flops_ratio"] = Math.Round(r.FlopsRatio, 4),
                ["kv_bytes"] = r.KvBytes,
                ["latency_ms"] = Math.Round(r.LatencyMs, 3),
                ["window_prefill_ms"] = Math.Round(r.WindowPrefillMs, 3),
            });
        }

        var root = (JsonObject)about.DeepClone();
        root["rows"] = array;
        // Relaxed escaping keeps quotes and apostrophes readable in a committed file (it is never embedded in HTML).
        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n";
    }

    public static string Markdown(string name, IReadOnlyList<EvalRow> rows, JsonObject about)
    {
        var families = rows.SelectMany(r => r.FamilyAccuracy.Keys).Distinct().Order(StringComparer.Ordinal).ToList();
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"# eval-{name}\n\n");
        foreach (var (key, value) in about)
        {
            var text = value is JsonValue v && v.TryGetValue<string>(out var str) ? str : value?.ToJsonString() ?? "null";
            sb.Append(CultureInfo.InvariantCulture, $"- {key}: {text}\n");
        }

        sb.Append("\nAccuracy is exact match of the greedy answer; FLOPs ratio is decoder MACs of all window and question work over the unpruned run's (same run); KV bytes per stream after its last window; latency per question (prefill over the cache + decode) and per window prefill, wall-clock ms on this machine.\n\n");
        sb.Append("| policy | setting | accuracy | " + string.Join(" | ", families) + " | FLOPs ratio | KV bytes | latency ms | window ms |\n");
        sb.Append("|---|---|---:|" + string.Concat(families.Select(_ => "---:|")) + "---:|---:|---:|---:|\n");
        foreach (var r in rows)
        {
            var fam = string.Join(" | ", families.Select(f => r.FamilyAccuracy.TryGetValue(f, out var a) ? Pct(a) : "–"));
            sb.Append(CultureInfo.InvariantCulture, $"| {r.Policy} | {r.Setting} | {Pct(r.Accuracy)} | {fam} | {r.FlopsRatio:F3} | {r.KvBytes:N0} | {r.LatencyMs:F2} | {r.WindowPrefillMs:F2} |\n");
        }

        if (PruningSweep.NotMeasured.Count > 0)
        {
            sb.Append("\nNot measured:\n\n");
            foreach (var line in PruningSweep.NotMeasured)
            {
                sb.Append(CultureInfo.InvariantCulture, $"- {line}\n");
            }
        }

        return sb.ToString();
    }

    private static string Pct(double v) => (100 * v).ToString("F1", CultureInfo.InvariantCulture) + " %";
}
