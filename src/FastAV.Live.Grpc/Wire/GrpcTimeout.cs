using System.Globalization;

namespace FastAV.Live.Grpc.Wire;

/// <summary>
/// The grpc-timeout header: 1 to 8 ASCII digits and a unit (H hours, M minutes, S seconds,
/// m milliseconds, u microseconds, n nanoseconds).
/// </summary>
public static class GrpcTimeout
{
    private const int MaxDigits = 8;
    private const long MaxValue = 99_999_999;

    /// <summary>Parses a header value; false (no timeout) when it is malformed.</summary>
    public static bool TryParse(string? value, out TimeSpan timeout)
    {
        timeout = default;
        if (string.IsNullOrEmpty(value) || value.Length < 2 || value.Length > MaxDigits + 1)
        {
            return false;
        }

        var digits = value.AsSpan(0, value.Length - 1);
        foreach (var c in digits)
        {
            if (c is < '0' or > '9')
            {
                return false;
            }
        }

        var amount = long.Parse(digits, NumberStyles.None, CultureInfo.InvariantCulture);
        // 99,999,999 hours exceeds TimeSpan.MaxValue; clamp instead of overflowing.
        var ticks = value[^1] switch
        {
            'H' => Multiply(amount, TimeSpan.TicksPerHour),
            'M' => Multiply(amount, TimeSpan.TicksPerMinute),
            'S' => Multiply(amount, TimeSpan.TicksPerSecond),
            'm' => amount * TimeSpan.TicksPerMillisecond,
            'u' => amount * 10,
            'n' => amount / 100,
            _ => -1L,
        };
        if (ticks < 0)
        {
            return false;
        }

        timeout = TimeSpan.FromTicks(ticks);
        return true;
    }

    /// <summary>Formats a timeout with the finest unit whose value fits in 8 digits (rounding up, never to zero).</summary>
    public static string Format(TimeSpan timeout)
    {
        if (timeout <= TimeSpan.Zero)
        {
            return "1n";
        }

        var ticks = timeout.Ticks;
        // nanoseconds: 100 ns per tick
        if (ticks <= MaxValue / 100)
        {
            return (ticks * 100).ToString(CultureInfo.InvariantCulture) + "n";
        }

        (long PerUnit, char Unit)[] units =
        [
            (10, 'u'), (TimeSpan.TicksPerMillisecond, 'm'), (TimeSpan.TicksPerSecond, 'S'),
            (TimeSpan.TicksPerMinute, 'M'), (TimeSpan.TicksPerHour, 'H'),
        ];
        foreach (var (perUnit, unit) in units)
        {
            var amount = (ticks + perUnit - 1) / perUnit;
            if (amount <= MaxValue)
            {
                return amount.ToString(CultureInfo.InvariantCulture) + unit;
            }
        }

        return MaxValue.ToString(CultureInfo.InvariantCulture) + "H";
    }

    private static long Multiply(long amount, long ticksPerUnit) =>
        amount > TimeSpan.MaxValue.Ticks / ticksPerUnit ? TimeSpan.MaxValue.Ticks : amount * ticksPerUnit;
}
