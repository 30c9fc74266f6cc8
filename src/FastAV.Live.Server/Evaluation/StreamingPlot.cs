using System.Globalization;
using System.Security;
using System.Text;

namespace FastAV.Live.Server.Evaluation;

/// <summary>
/// A hand-written SVG of accuracy (y, 0..1) against the per-layer KV budget in tokens (x, log scale): one colour per
/// eviction policy, solid without pruning and dashed with FastAV pruning.
/// </summary>
public static class StreamingPlot
{
    private const int Width = 760;
    private const int Height = 480;
    private const int Left = 60;
    private const int Right = 230;
    private const int Top = 40;
    private const int Bottom = 50;

    private static readonly string[] Palette = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b"];

    public static string Svg(IReadOnlyList<StreamingRow> rows, string title)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var inv = CultureInfo.InvariantCulture;
        var plotW = Width - Left - Right;
        var plotH = Height - Top - Bottom;
        var budgets = rows.Select(r => r.BudgetTokens).Distinct().Order().ToList();
        var lo = Math.Log2(Math.Max(1, budgets.Count > 0 ? budgets[0] : 1));
        var hi = Math.Log2(Math.Max(2, budgets.Count > 0 ? budgets[^1] : 2));
        if (hi - lo < 1e-9)
        {
            (lo, hi) = (lo - 0.5, hi + 0.5);
        }

        double X(int tokens) => Left + 10 + ((Math.Log2(Math.Max(1, tokens)) - lo) / (hi - lo) * (plotW - 20));
        double Y(double accuracy) => Top + ((1 - Math.Clamp(accuracy, 0, 1)) * plotH);
        var sb = new StringBuilder();
        sb.Append(inv, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{Height}\" font-family=\"sans-serif\" font-size=\"12\">\n");
        sb.Append(inv, $"<rect width=\"{Width}\" height=\"{Height}\" fill=\"white\"/>\n");
        sb.Append(inv, $"<text x=\"{Left}\" y=\"22\" font-size=\"15\">{SecurityElement.Escape(title)}</text>\n");
        for (var i = 0; i <= 10; i += 2)
        {
            var v = i / 10.0;
            sb.Append(inv, $"<line x1=\"{Left}\" x2=\"{Left + plotW}\" y1=\"{Y(v):F1}\" y2=\"{Y(v):F1}\" stroke=\"#ddd\"/><text x=\"{Left - 8}\" y=\"{Y(v) + 4:F1}\" text-anchor=\"end\">{v:F1}</text>\n");
        }

        foreach (var b in budgets)
        {
            var label = rows.First(r => r.BudgetTokens == b).Budget;
            sb.Append(inv, $"<line y1=\"{Top}\" y2=\"{Top + plotH}\" x1=\"{X(b):F1}\" x2=\"{X(b):F1}\" stroke=\"#ddd\"/><text x=\"{X(b):F1}\" y=\"{Top + plotH + 16}\" text-anchor=\"middle\">{b}</text><text x=\"{X(b):F1}\" y=\"{Top + plotH + 29}\" text-anchor=\"middle\" font-size=\"10\" fill=\"#555\">{SecurityElement.Escape(label)}</text>\n");
        }

        sb.Append(inv, $"<rect x=\"{Left}\" y=\"{Top}\" width=\"{plotW}\" height=\"{plotH}\" fill=\"none\" stroke=\"black\"/>\n");
        sb.Append(inv, $"<text x=\"{Left + (plotW / 2)}\" y=\"{Height - 8}\" text-anchor=\"middle\">KV budget, tokens per layer (log scale)</text>\n");
        sb.Append(inv, $"<text transform=\"translate(16 {Top + (plotH / 2)}) rotate(-90)\" text-anchor=\"middle\">accuracy</text>\n");
        var policies = rows.Select(r => r.Eviction).Distinct().ToList();
        var lines = rows.Select(r => (r.Eviction, r.Pruning)).Distinct().ToList();
        for (var k = 0; k < lines.Count; k++)
        {
            var (eviction, pruning) = lines[k];
            var colour = Palette[policies.IndexOf(eviction) % Palette.Length];
            var dash = pruning == "none" ? string.Empty : " stroke-dasharray=\"6 4\"";
            var points = rows.Where(r => r.Eviction == eviction && r.Pruning == pruning).OrderBy(r => r.BudgetTokens).ToList();
            if (points.Count > 1)
            {
                sb.Append(inv, $"<polyline fill=\"none\" stroke=\"{colour}\" stroke-width=\"1.5\"{dash} points=\"{string.Join(' ', points.Select(r => string.Create(inv, $"{X(r.BudgetTokens):F1},{Y(r.Accuracy):F1}")))}\"/>\n");
            }

            foreach (var r in points)
            {
                var tip = SecurityElement.Escape($"{r.Eviction} ({r.Pruning}) {r.Budget} = {r.BudgetTokens} tokens: accuracy {r.Accuracy:P1}");
                sb.Append(inv, $"<circle cx=\"{X(r.BudgetTokens):F1}\" cy=\"{Y(r.Accuracy):F1}\" r=\"{(pruning == "none" ? 4 : 3)}\" fill=\"{colour}\"><title>{tip}</title></circle>\n");
            }

            var ly = Top + 10 + (k * 18);
            sb.Append(inv, $"<line x1=\"{Width - Right + 12}\" x2=\"{Width - Right + 32}\" y1=\"{ly}\" y2=\"{ly}\" stroke=\"{colour}\" stroke-width=\"2\"{dash}/><text x=\"{Width - Right + 38}\" y=\"{ly + 4}\">{SecurityElement.Escape($"{eviction} ({(pruning == "none" ? "unpruned" : pruning)})")}</text>\n");
        }

        sb.Append("</svg>\n");
        return sb.ToString();
    }
}
