using System.Globalization;
using System.Text;

namespace FastAV.Live.Engine.Benchmarks;

/// <summary>A plain SVG line chart (no dependencies): one line per series, log-free axes, a legend.</summary>
internal static class SvgChart
{
    private static readonly string[] Colors = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#17becf"];

    public static string Lines(string title, string xLabel, string yLabel, IReadOnlyList<(string Name, IReadOnlyList<(double X, double Y)> Points)> series)
    {
        const double width = 760, height = 420, left = 80, right = 230, top = 40, bottom = 50;
        var maxX = series.SelectMany(s => s.Points).Max(p => p.X);
        var maxY = series.SelectMany(s => s.Points).Max(p => p.Y) * 1.05;
        string F(double v) => v.ToString("0.##", CultureInfo.InvariantCulture);
        double Px(double x) => left + x / maxX * (width - left - right);
        double Py(double y) => height - bottom - y / maxY * (height - top - bottom);

        var svg = new StringBuilder();
        svg.Append($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{F(width)}\" height=\"{F(height)}\" font-family=\"sans-serif\" font-size=\"12\">\n");
        svg.Append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        svg.Append($"<text x=\"{F(left)}\" y=\"22\" font-size=\"15\">{title}</text>\n");
        svg.Append($"<line x1=\"{F(left)}\" y1=\"{F(height - bottom)}\" x2=\"{F(width - right)}\" y2=\"{F(height - bottom)}\" stroke=\"black\"/>\n");
        svg.Append($"<line x1=\"{F(left)}\" y1=\"{F(top)}\" x2=\"{F(left)}\" y2=\"{F(height - bottom)}\" stroke=\"black\"/>\n");
        for (var i = 0; i <= 4; i++)
        {
            var y = maxY * i / 4;
            var x = maxX * i / 4;
            svg.Append($"<text x=\"{F(left - 6)}\" y=\"{F(Py(y) + 4)}\" text-anchor=\"end\">{F(y)}</text>\n");
            svg.Append($"<text x=\"{F(Px(x))}\" y=\"{F(height - bottom + 16)}\" text-anchor=\"middle\">{F(x)}</text>\n");
        }

        svg.Append($"<text x=\"{F((left + width - right) / 2)}\" y=\"{F(height - 12)}\" text-anchor=\"middle\">{xLabel}</text>\n");
        svg.Append($"<text x=\"16\" y=\"{F((top + height - bottom) / 2)}\" transform=\"rotate(-90 16 {F((top + height - bottom) / 2)})\" text-anchor=\"middle\">{yLabel}</text>\n");
        for (var s = 0; s < series.Count; s++)
        {
            var color = Colors[s % Colors.Length];
            var points = string.Join(" ", series[s].Points.Select(p => $"{F(Px(p.X))},{F(Py(p.Y))}"));
            svg.Append($"<polyline fill=\"none\" stroke=\"{color}\" stroke-width=\"2\" points=\"{points}\"/>\n");
            var ly = top + 16 * s;
            svg.Append($"<line x1=\"{F(width - right + 12)}\" y1=\"{F(ly)}\" x2=\"{F(width - right + 32)}\" y2=\"{F(ly)}\" stroke=\"{color}\" stroke-width=\"2\"/>\n");
            svg.Append($"<text x=\"{F(width - right + 38)}\" y=\"{F(ly + 4)}\">{series[s].Name}</text>\n");
        }

        svg.Append("</svg>\n");
        return svg.ToString();
    }
}
