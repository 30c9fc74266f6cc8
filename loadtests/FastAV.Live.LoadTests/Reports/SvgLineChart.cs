using System.Globalization;
using System.Security;
using System.Text;

namespace FastAV.Live.LoadTests.Reports;

/// <summary>A self-contained SVG line chart (no script, no external reference): axes with round ticks, one polyline per series (NaN breaks a line), a legend.</summary>
public static class SvgLineChart
{
    private const int Width = 720;
    private const int Height = 260;
    private const int Left = 64;
    private const int Right = 150;
    private const int Top = 28;
    private const int Bottom = 40;
    private static readonly string[] Colours = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf"];

    public static string Render(string title, string xLabel, string yLabel, IReadOnlyList<(string Name, IReadOnlyList<(double X, double Y)> Points)> series)
    {
        ArgumentNullException.ThrowIfNull(series);
        var all = series.SelectMany(s => s.Points).Where(p => double.IsFinite(p.X) && double.IsFinite(p.Y)).ToList();
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{Height}\" viewBox=\"0 0 {Width} {Height}\" role=\"img\">");
        svg.Append(CultureInfo.InvariantCulture, $"<title>{Escape(title)}</title>");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left}\" y=\"18\" font-size=\"13\" font-weight=\"bold\">{Escape(title)}</text>");
        if (all.Count == 0)
        {
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left}\" y=\"{Height / 2}\" font-size=\"12\">no data</text></svg>");
            return svg.ToString();
        }

        var (x0, x1) = (Math.Min(0, all.Min(p => p.X)), all.Max(p => p.X));
        var (y0, y1) = (Math.Min(0, all.Min(p => p.Y)), all.Max(p => p.Y));
        if (x1 <= x0) x1 = x0 + 1;
        var yStep = NiceStep((y1 - y0) / 5);
        y1 = y1 <= y0 ? y0 + 1 : Math.Ceiling(y1 / yStep) * yStep;
        var plotW = Width - Left - Right;
        var plotH = Height - Top - Bottom;
        double Px(double x) => Left + ((x - x0) / (x1 - x0) * plotW);
        double Py(double y) => Top + plotH - ((y - y0) / (y1 - y0) * plotH);

        svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{Left}\" y=\"{Top}\" width=\"{plotW}\" height=\"{plotH}\" fill=\"none\" stroke=\"#999\"/>");
        for (var y = y0; y <= y1 + (yStep / 2); y += yStep)
        {
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Left}\" x2=\"{Left + plotW}\" y1=\"{Py(y):0.#}\" y2=\"{Py(y):0.#}\" stroke=\"#eee\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left - 6}\" y=\"{Py(y) + 4:0.#}\" font-size=\"10\" text-anchor=\"end\">{Escape(Tick(y))}</text>");
        }

        var xStep = NiceStep((x1 - x0) / 8);
        for (var x = Math.Ceiling(x0 / xStep) * xStep; x <= x1 + (xStep / 100); x += xStep)
        {
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Px(x):0.#}\" y=\"{Top + plotH + 14}\" font-size=\"10\" text-anchor=\"middle\">{Escape(Tick(x))}</text>");
        }

        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left + (plotW / 2)}\" y=\"{Height - 6}\" font-size=\"11\" text-anchor=\"middle\">{Escape(xLabel)}</text>");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"14\" y=\"{Top + (plotH / 2)}\" font-size=\"11\" text-anchor=\"middle\" transform=\"rotate(-90 14 {Top + (plotH / 2)})\">{Escape(yLabel)}</text>");
        for (var i = 0; i < series.Count; i++)
        {
            var colour = Colours[i % Colours.Length];
            var run = new List<string>();
            void Flush()
            {
                if (run.Count == 1) svg.Append(CultureInfo.InvariantCulture, $"<circle cx=\"{run[0].Split(',')[0]}\" cy=\"{run[0].Split(',')[1]}\" r=\"2.5\" fill=\"{colour}\"/>");
                else if (run.Count > 1) svg.Append(CultureInfo.InvariantCulture, $"<polyline fill=\"none\" stroke=\"{colour}\" stroke-width=\"1.6\" points=\"{string.Join(' ', run)}\"/>");
                run.Clear();
            }

            foreach (var (x, y) in series[i].Points)
            {
                if (double.IsFinite(x) && double.IsFinite(y)) run.Add(string.Create(CultureInfo.InvariantCulture, $"{Px(x):0.#},{Py(y):0.#}"));
                else Flush();
            }

            Flush();
            var ly = Top + 10 + (i * 16);
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Left + plotW + 10}\" x2=\"{Left + plotW + 26}\" y1=\"{ly}\" y2=\"{ly}\" stroke=\"{colour}\" stroke-width=\"2\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left + plotW + 30}\" y=\"{ly + 4}\" font-size=\"10\">{Escape(series[i].Name)}</text>");
        }

        svg.Append("</svg>");
        return svg.ToString();
    }

    private static double NiceStep(double raw)
    {
        if (!(raw > 0) || !double.IsFinite(raw)) return 1;
        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        var f = raw / magnitude;
        return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * magnitude;
    }

    private static string Tick(double v) =>
        Math.Abs(v) >= 1e9 ? (v / 1e9).ToString("0.#", CultureInfo.InvariantCulture) + "G"
        : Math.Abs(v) >= 1e6 ? (v / 1e6).ToString("0.#", CultureInfo.InvariantCulture) + "M"
        : Math.Abs(v) >= 1e4 ? (v / 1e3).ToString("0.#", CultureInfo.InvariantCulture) + "k"
        : v.ToString("0.##", CultureInfo.InvariantCulture);

    private static string Escape(string text) => SecurityElement.Escape(text) ?? "";
}
