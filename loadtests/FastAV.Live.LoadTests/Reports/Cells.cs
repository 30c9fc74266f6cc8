using System.Globalization;

namespace FastAV.Live.LoadTests.Reports;

/// <summary>How numbers read in report cells: invariant culture, milliseconds with two decimals, bytes with units.</summary>
public static class Cells
{
    public static string Ms(double ms) => double.IsFinite(ms) ? ms.ToString("0.00", CultureInfo.InvariantCulture) : "-";

    public static string Number(double value, string format = "0.##") => double.IsFinite(value) ? value.ToString(format, CultureInfo.InvariantCulture) : "-";

    public static string Count(long value) => value.ToString(CultureInfo.InvariantCulture);

    public static string Bytes(double bytes)
    {
        if (!double.IsFinite(bytes) || bytes < 0) return "-";
        string[] units = ["B", "KiB", "MiB", "GiB", "TiB"];
        var i = 0;
        while (bytes >= 1024 && i < units.Length - 1)
        {
            bytes /= 1024;
            i++;
        }

        return bytes.ToString(i == 0 ? "0" : "0.##", CultureInfo.InvariantCulture) + " " + units[i];
    }

    public static string Seconds(TimeSpan t) => t.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + " s";
}
