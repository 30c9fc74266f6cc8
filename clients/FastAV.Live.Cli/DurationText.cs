using System.Globalization;

namespace FastAV.Live.Cli;

/// <summary>Durations on the command line: "500ms", "5s", "2m", "1h", or a bare number of seconds ("2.5").</summary>
public static class DurationText
{
    public static TimeSpan Parse(string flag, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var (number, scale) = text switch
        {
            _ when text.EndsWith("ms", StringComparison.Ordinal) => (text[..^2], 1e-3),
            _ when text.EndsWith('s') => (text[..^1], 1.0),
            _ when text.EndsWith('m') => (text[..^1], 60.0),
            _ when text.EndsWith('h') => (text[..^1], 3600.0),
            _ => (text, 1.0),
        };
        if (!double.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value)
            || !double.IsFinite(value) || value <= 0 || value * scale > 86_400 * 7)
        {
            throw new CliUsageException($"{flag}: '{text}' is not a positive duration such as 500ms, 5s, 2m (at most 7 days)");
        }

        return TimeSpan.FromSeconds(value * scale);
    }
}
