namespace FastAV.Live.Server.Streams;

/// <summary>The contract's identifier rule: 1–128 characters of [A-Za-z0-9._:-], starting with a letter or digit.</summary>
public static class IdentifierRules
{
    public const int MaxLength = 128;

    /// <summary>Null when <paramref name="value"/> is a valid identifier of at most <paramref name="maxLength"/> characters, else why not.</summary>
    public static string? Check(string value, int maxLength)
    {
        if (value.Length == 0)
        {
            return "is required";
        }

        if (value.Length > maxLength)
        {
            return $"is {value.Length} characters, at most {maxLength} allowed";
        }

        if (!char.IsAsciiLetterOrDigit(value[0]))
        {
            return $"must start with a letter or digit, got {Quote(value)}";
        }

        foreach (var c in value)
        {
            if (!IsAllowed(c))
            {
                return $"may only contain [A-Za-z0-9._:-], got {Quote(value)}";
            }
        }

        return null;
    }

    public static bool IsAllowed(char c) => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or ':' or '-';

    /// <summary>The value for an error message: quoted, control characters escaped, cut at 64 characters.</summary>
    public static string Quote(string value)
    {
        var cut = value.Length > 64 ? value[..64] + "…" : value;
        var builder = new System.Text.StringBuilder(cut.Length + 2).Append('\'');
        foreach (var c in cut)
        {
            if (char.IsControl(c))
            {
                builder.Append(System.Globalization.CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.Append('\'').ToString();
    }
}
