using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace FastAV.Live.Server.Evaluation;

/// <summary>Writes eval-streaming-NAME.json (rows), .md (a table) and .svg (accuracy against KV budget per policy).</summary>
public static class StreamingReport
{
    public static IReadOnlyList<string> Write(string directory, string name, IReadOnlyList<StreamingRow> rows, JsonObject about)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(about);
        ArgumentNullException.ThrowIfNull(name);
        EvalReport.CheckName(name);

        Directory.CreateDirectory(directory);
        var stem = Path.Combine(directory, $"eval-streaming-{name}");
        File.WriteAllText(stem + ".json", Json(rows, about));
        File.WriteAllText(stem + ".md", Markdown(name, rows, about));
        File.WriteAllText(stem + ".svg", StreamingPlot.Svg(rows, $"{name}: accuracy vs KV budget (long stream)"));
        return [stem + ".json", stem + ".md", stem + ".svg"];
    }

    public static string Json(IReadOnlyList<StreamingRow> rows, JsonObject about)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(about);
        var array = new JsonArray();
        foreach (var r in rows)
        {
            array.Add(new JsonObject
            {
                ["eviction"] = r.Eviction,
                ["pruning"] = r.Pruning,
                ["budget"] = r.Budget,
                ["budget_tokens_per_layer"] = r.BudgetTokens,
                ["budget_bytes"] = r.BudgetBytes,
                ["accuracy"] = Math.Round(r.Accuracy, 4),
                ["accuracy_recent"] = r.RecentAccuracy is { } ra ? Math.Round(ra, 4) : null,
                ["questions_recent"] = r.RecentQuestions,
                ["accuracy_older"] = r.OlderAccuracy is { } oa ? Math.Round(oa, 4) : null,
                ["questions_older"] = r.OlderQuestions,
                ["families"] = EvalReport.Families(r.FamilyAccuracy),
                ["questions"] = r.Questions,
                ["kv_bytes_max"] = r.MaxKvBytes,
                ["kv_bytes_final"] = r.FinalKvBytes,
                ["evicted_rows"] = r.EvictedRows,
                ["windows_per_s"] = Math.Round(r.WindowsPerSecond, 1),
                ["latency_ms"] = Math.Round(r.LatencyMs, 3),
            });
        }

        var root = about.DeepClone().AsObject();
        root["rows"] = array;
        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";
    }

    public static string Markdown(string name, IReadOnlyList<StreamingRow> rows, JsonObject about)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(about);
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"# eval-streaming-{name}\n\n");
        foreach (var (key, value) in about)
        {
            var text = value is JsonValue v && v.TryGetValue<string>(out var str) ? str : value?.ToJsonString() ?? "null";
            sb.Append(CultureInfo.InvariantCulture, $"- {key}: {text}\n");
        }

        sb.Append("\nOne long stream of consecutive scenes; each scene's questions are asked right after their window and rolled back. "
            + "Budget: tokens every layer may hold (prompt included; a scene's worth = its windows × tokens per window, unpruned). "
            + $"Recent: the answer's evidence lies in the last {StreamingEvaluation.RecentWindows} windows; older: further back. "
            + "KV bytes over all layers: max after any window, and after the last. Windows/s: window prefills per second of prefill time; latency: question prefill + greedy decode, ms.\n\n");
        var families = rows.SelectMany(r => r.FamilyAccuracy.Keys).Distinct().Order(StringComparer.Ordinal).ToList();
        sb.Append("| pruning | eviction | budget | tokens/layer | accuracy | recent | older | " + string.Join(" | ", families) + " | KV max | KV final | budget bytes | evicted rows | windows/s | latency ms |\n");
        sb.Append("|---|---|---|---:|---:|---:|---:|" + string.Concat(families.Select(_ => "---:|")) + "---:|---:|---:|---:|---:|---:|\n");
        foreach (var r in rows)
        {
            var fam = string.Join(" | ", families.Select(f => r.FamilyAccuracy.TryGetValue(f, out var a) ? Pct(a) : "–"));
            sb.Append(CultureInfo.InvariantCulture, $"| {r.Pruning} | {r.Eviction} | {r.Budget} | {r.BudgetTokens} | {Pct(r.Accuracy)} | {Pct(r.RecentAccuracy)} | {Pct(r.OlderAccuracy)} | {fam} | {r.MaxKvBytes:N0} | {r.FinalKvBytes:N0} | {r.BudgetBytes:N0} | {r.EvictedRows:N0} | {r.WindowsPerSecond:F0} | {r.LatencyMs:F2} |\n");
        }

        var n = rows.Count > 0 ? rows[0] : null;
        if (n is not null)
        {
            sb.Append(CultureInfo.InvariantCulture, $"\nQuestions: {n.Questions} ({n.RecentQuestions} recent, {n.OlderQuestions} older).\n");
        }

        return sb.ToString();
    }

    private static string Pct(double? v) => v is { } x ? (100 * x).ToString("F1", CultureInfo.InvariantCulture) + " %" : "–";
}
