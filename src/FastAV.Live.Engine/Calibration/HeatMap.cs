namespace FastAV.Live.Engine.Calibration;

/// <summary>A grayscale heat map as a binary PGM image (P5): black is the smallest value, white the largest.</summary>
public static class HeatMap
{
    /// <summary>values [rows, cols] row-major; each cell drawn as a scale × scale block.</summary>
    public static byte[] Pgm(ReadOnlySpan<double> values, int rows, int cols, int scale = 1)
    {
        if (rows < 1 || cols < 1) throw new ArgumentOutOfRangeException(nameof(rows), "rows and cols must be positive");
        if (scale < 1 || scale > 64) throw new ArgumentOutOfRangeException(nameof(scale), scale, "must be within 1..64");
        if (values.Length != (long)rows * cols) throw new ArgumentException($"{values.Length} values, expected {rows} × {cols}", nameof(values));
        if ((long)rows * cols * scale * scale > 64L * 1024 * 1024) throw new ArgumentOutOfRangeException(nameof(scale), "the image would exceed 64 MiB");

        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        foreach (var v in values)
        {
            if (!double.IsFinite(v)) throw new ArgumentException("values must be finite", nameof(values));
            min = Math.Min(min, v);
            max = Math.Max(max, v);
        }

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
}
