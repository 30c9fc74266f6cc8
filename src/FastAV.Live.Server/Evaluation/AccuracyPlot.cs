using System.Globalization;
using System.Security;
using System.Text;

namespace FastAV.Live.Server.Evaluation;

/// <summary>A hand-written SVG scatter of accuracy (y, 0..1) against FLOPs ratio (x, 0..1), one colour per policy.</summary>
public static class AccuracyPlot
{
    private const int Width = 760;
    private const int Height = 480;
    private const int Left = 60;
    private const int Right = 230;
    private const int Top = 40;
    private const int Bottom = 50;

    private static readonly string[] Palette = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf", "#000000"];

    public static string Svg(IReadOnlyList<EvalRow> rows, string title)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var inv = CultureInfo.InvariantCulture;
        var plotW = Width - Left - Right;
        var plotH = Height - Top - Bottom;
        double X(double ratio) => Left + (Math.Clamp(ratio, 0, 1.05) / 1.05 * plotW);
        double Y(double accuracy) => Top + ((1 - Math.Clamp(accuracy, 0, 1)) * plotH);
        var sb = new StringBuilder();
        sb.Append(inv, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{Height}\" font-family=\"sans-serif\" font-size=\"12\">\n");
        sb.Append(inv, $"<rect width=\"{Width}\" height=\"{Height}\" fill=\"white\"/>\n");
        sb.Append(inv, $"<text x=\"{Left}\" y=\"22\" font-size=\"15\">{SecurityElement.Escape(title)}</text>\n");
        for (var i = 0; i <= 10; i += 2)
        {
            var v = i / 10.0;
            sb.Append(inv, $"<line x1=\"{Left}\" x2=\"{Left + plotW}\" y1=\"{Y(v):F1}\" y2=\"{Y(v):F1}\" stroke=\"#ddd\"/>");
            sb.Append(inv, $"<text x=\"{Left - 8}\" y=\"{Y(v) + 4:F1}\" text-anchor=\"end\">{v:F1}</text>");
            sb.Append(inv, $"<line y1=\"{Top}\" y2=\"{Top + plotH}\" x1=\"{X(v):F1}\" x2=\"{X(v):F1}\" stroke=\"#ddd\"/>");
            sb.Append(inv, $"<text x=\"{X(v):F1}\" y=\"{Top + plotH + 18}\" text-anchor=\"middle\">{v:F1}</text>\n");
        }

        sb.Append(inv, $"<rect x=\"{Left}\" y=\"{Top}\" width=\"{plotW}\" height=\"{plotH}\" fill=\"none\" stroke=\"black\"/>\n");
        sb.Append(inv, $"<text x=\"{Left + (plotW / 2)}\" y=\"{Height - 12}\" text-anchor=\"middle\">FLOPs ratio (vs unpruned)</text>\n");
        sb.Append(inv, $"<text transform=\"translate(16 {Top + (plotH / 2)}) rotate(-90)\" text-anchor=\"middle\">accuracy</text>\n");
        var policies = rows.Select(r => r.Policy).Distinct().ToList();
        for (var p = 0; p < policies.Count; p++)
        {
            var colour = Palette[p % Palette.Length];
            var points = rows.Where(r => r.Policy == policies[p]).OrderBy(r => r.FlopsRatio).ToList();
            if (points.Count > 1)
            {
                sb.Append(inv, $"<polyline fill=\"none\" stroke=\"{colour}\" stroke-width=\"1.5\" points=\"{string.Join(' ', points.Select(r => string.Create(inv, $"{X(r.FlopsRatio):F1},{Y(r.Accuracy):F1}")))}\"/>\n");
            }

            foreach (var r in points)
            {
                sb.Append(inv, $"<circle cx=\"{X(r.FlopsRatio):F1}\" cy=\"{Y(r.Accuracy):F1}\" r=\"4\" fill=\"{colour}\"><title>{SecurityElement.Escape($"{r.Policy} {r.Setting}: accuracy {r.Accuracy:P1}, FLOPs ratio {r.FlopsRatio:F3}")}</title></circle>\n");
            }

            var ly = Top + 10 + (p * 18);
            sb.Append(inv, $"<circle cx=\"{Width - Right + 20}\" cy=\"{ly}\" r=\"4\" fill=\"{colour}\"/><text x=\"{Width - Right + 30}\" y=\"{ly + 4}\">{SecurityElement.Escape(policies[p])}</text>\n");
        }

        sb.Append("</svg>\n");
        return sb.ToString();
    }
}
