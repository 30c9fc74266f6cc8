using System.Globalization;
using System.Security;
using System.Text;

namespace FastAV.Live.Engine.Calibration;

/// <summary>
/// A heat map of values [rows, cols]: as a binary grayscale PGM image (P5; black is the smallest value, white the
/// largest) or as a labelled SVG (light to dark blue, each cell's value printed as a percentage).
/// </summary>
public static class HeatMap
{
    /// <summary>SVG cell side in pixels.</summary>
    public const int SvgCell = 44;

    /// <summary>
    /// values [rows, cols] row-major, one label per row and column; <paramref name="cut"/> (row, column), when given,
    /// draws a red bar after that column on that row (a keep rule's boundary).
    /// </summary>
    public static string Svg(ReadOnlySpan<double> values, IReadOnlyList<string> rowLabels, IReadOnlyList<string> colLabels, string title, (int Row, int AfterCol)? cut = null)
    {
        ArgumentNullException.ThrowIfNull(rowLabels);
        ArgumentNullException.ThrowIfNull(colLabels);
        ArgumentNullException.ThrowIfNull(title);
        int rows = rowLabels.Count, cols = colLabels.Count;
        if (rows < 1 || cols < 1 || rows > 1024 || cols > 1024) throw new ArgumentOutOfRangeException(nameof(rowLabels), "1..1024 rows and columns");
        if (values.Length != (long)rows * cols) throw new ArgumentException($"{values.Length} values, expected {rows} × {cols}", nameof(values));
        var (min, max) = Range(values);
        var inv = CultureInfo.InvariantCulture;
        const int left = 90, top = 50;
        var width = left + (cols * SvgCell) + 20;
        var height = top + (rows * SvgCell) + 40;
        var sb = new StringBuilder();
        sb.Append(inv, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" font-family=\"sans-serif\" font-size=\"11\">\n");
        sb.Append(inv, $"<rect width=\"{width}\" height=\"{height}\" fill=\"white\"/>\n");
        sb.Append(inv, $"<text x=\"10\" y=\"22\" font-size=\"14\">{SecurityElement.Escape(title)}</text>\n");
        for (var c = 0; c < cols; c++)
        {
            sb.Append(inv, $"<text x=\"{left + (c * SvgCell) + (SvgCell / 2)}\" y=\"{top - 6}\" text-anchor=\"middle\">{SecurityElement.Escape(colLabels[c])}</text>\n");
        }

        for (var r = 0; r < rows; r++)
        {
            var y = top + (r * SvgCell);
            sb.Append(inv, $"<text x=\"{left - 8}\" y=\"{y + (SvgCell / 2) + 4}\" text-anchor=\"end\">{SecurityElement.Escape(rowLabels[r])}</text>\n");
            for (var c = 0; c < cols; c++)
            {
                var v = values[(r * cols) + c];
                var t = max == min ? 0 : (v - min) / (max - min);
                var (red, green, blue) = ((int)Math.Round(240 - (210 * t)), (int)Math.Round(245 - (160 * t)), (int)Math.Round(255 - (100 * t)));
                var x = left + (c * SvgCell);
                sb.Append(inv, $"<rect x=\"{x}\" y=\"{y}\" width=\"{SvgCell}\" height=\"{SvgCell}\" fill=\"rgb({red},{green},{blue})\" stroke=\"white\"/>");
                sb.Append(inv, $"<text x=\"{x + (SvgCell / 2)}\" y=\"{y + (SvgCell / 2) + 4}\" text-anchor=\"middle\" fill=\"{(t > 0.6 ? "white" : "black")}\">{100 * v:F1}</text>\n");
            }
        }

        if (cut is { } k && k.Row >= 0 && k.Row < rows && k.AfterCol >= 0 && k.AfterCol <= cols)
        {
            var x = left + (k.AfterCol * SvgCell);
            sb.Append(inv, $"<line x1=\"{x}\" y1=\"{top + (k.Row * SvgCell)}\" x2=\"{x}\" y2=\"{top + ((k.Row + 1) * SvgCell)}\" stroke=\"#d62728\" stroke-width=\"4\"/>\n");
        }

        sb.Append(inv, $"<text x=\"10\" y=\"{height - 14}\">cell: value in %; darker = larger (min {100 * min:F1}, max {100 * max:F1})</text>\n");
        sb.Append("</svg>\n");
        return sb.ToString();
    }

    /// <summary>values [rows, cols] row-major; each cell drawn as a scale × scale block.</summary>
    public static byte[] Pgm(ReadOnlySpan<double> values, int rows, int cols, int scale = 1)
    {
        if (rows < 1 || cols < 1) throw new ArgumentOutOfRangeException(nameof(rows), "rows and cols must be positive");
        if (scale < 1 || scale > 64) throw new ArgumentOutOfRangeException(nameof(scale), scale, "must be within 1..64");
        if (values.Length != (long)rows * cols) throw new ArgumentException($"{values.Length} values, expected {rows} × {cols}", nameof(values));
        if ((long)rows * cols * scale * scale > 64L * 1024 * 1024) throw new ArgumentOutOfRangeException(nameof(scale), "the image would exceed 64 MiB");

        var (min, max) = Range(values);
        var header = System.Text.Encoding.ASCII.GetBytes($"P5\n{cols * scale} {rows * scale}\n255\n");
        var image = new byte[header.Length + rows * scale * cols * scale];
        header.CopyTo(image, 0);
        var width = cols * scale;
        for (var r = 0; r < rows * scale; r++)
        {
            for (var c = 0; c < width; c++)
            {
                var v = values[r / scale * cols + c / scale];
                image[header.Length + r * width + c] = max == min ? (byte)0 : (byte)Math.Round(255 * (v - min) / (max - min));
            }
        }

        return image;
    }

    private static (double Min, double Max) Range(ReadOnlySpan<double> values)
    {
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        foreach (var v in values)
        {
            if (!double.IsFinite(v)) throw new ArgumentException("values must be finite", nameof(values));
            min = Math.Min(min, v);
            max = Math.Max(max, v);
        }

        return (min, max);
    }
}
