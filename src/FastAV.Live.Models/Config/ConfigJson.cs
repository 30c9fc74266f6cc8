using System.Globalization;
using System.Text.Json;

namespace FastAV.Live.Models.Config;

/// <summary>
/// Reads fields of a Hugging Face style JSON config with errors that name the file and the field
/// (<c>config.json: num_attention_heads must be a positive integer, not -1</c>).
/// </summary>
public sealed class ConfigJson
{
    private readonly JsonElement _root;

    private ConfigJson(JsonElement root, string source)
    {
        _root = root;
        Source = source;
    }

    public string Source { get; }

    public static T Load<T>(string path, Func<ConfigJson, T> read, long maxBytes = 16L * 1024 * 1024)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var length = new FileInfo(path).Length;
        if (length > maxBytes)
        {
            throw new InvalidDataException($"{path}: {length} bytes is more than the {maxBytes} allowed for a config");
        }

        return Parse(File.ReadAllBytes(path), path, read);
    }

    public static T Parse<T>(ReadOnlySpan<byte> json, string source, Func<ConfigJson, T> read)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json.ToArray(), new JsonDocumentOptions { MaxDepth = 16, CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{source}: not valid JSON ({ex.Message})", ex);
        }

        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidDataException($"{source}: the top level is not an object");
            }

            return read(new ConfigJson(doc.RootElement, source));
        }
    }

    public bool Has(string name) => _root.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null;

    /// <summary>A nested object, or null when absent or null.</summary>
    public ConfigJson? Object(string name)
    {
        if (!Has(name))
        {
            return null;
        }

        var v = _root.GetProperty(name);
        return v.ValueKind == JsonValueKind.Object ? new ConfigJson(v, $"{Source}: {name}") : throw Bad(name, "must be an object", v);
    }

    public int? OptionalInt(string name)
    {
        if (!Has(name))
        {
            return null;
        }

        var v = _root.GetProperty(name);
        return v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var i) ? i : throw Bad(name, "must be an integer", v);
    }

    public int PositiveInt(string name, int? fallback = null, int max = int.MaxValue)
    {
        var value = OptionalInt(name) ?? fallback ?? throw Missing(name);
        return value >= 1 && value <= max ? value : throw Bad(name, $"must be an integer in 1..{max}", value);
    }

    public double? OptionalDouble(string name)
    {
        if (!Has(name))
        {
            return null;
        }

        var v = _root.GetProperty(name);
        return v.ValueKind == JsonValueKind.Number && v.TryGetDouble(out var d) && double.IsFinite(d) ? d : throw Bad(name, "must be a finite number", v);
    }

    public double PositiveDouble(string name, double? fallback = null)
    {
        var value = OptionalDouble(name) ?? fallback ?? throw Missing(name);
        return value > 0 ? value : throw Bad(name, "must be a positive number", value);
    }

    public bool Bool(string name, bool fallback)
    {
        if (!Has(name))
        {
            return fallback;
        }

        var v = _root.GetProperty(name);
        return v.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw Bad(name, "must be true or false", v),
        };
    }

    public string? OptionalString(string name)
    {
        if (!Has(name))
        {
            return null;
        }

        var v = _root.GetProperty(name);
        return v.ValueKind == JsonValueKind.String ? v.GetString() : throw Bad(name, "must be a string", v);
    }

    public string String(string name, string? fallback = null) => OptionalString(name) ?? fallback ?? throw Missing(name);

    /// <summary>An integer or a list of integers (eos_token_id is either).</summary>
    public int[] IntOrList(string name)
    {
        if (!Has(name))
        {
            return [];
        }

        var v = _root.GetProperty(name);
        if (v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var single))
        {
            return [single];
        }

        if (v.ValueKind == JsonValueKind.Array && v.EnumerateArray().All(e => e.ValueKind == JsonValueKind.Number && e.TryGetInt32(out _)))
        {
            return v.EnumerateArray().Select(e => e.GetInt32()).ToArray();
        }

        throw Bad(name, "must be an integer or a list of integers", v);
    }

    public string[] StringList(string name)
    {
        if (!Has(name))
        {
            return [];
        }

        var v = _root.GetProperty(name);
        return v.ValueKind == JsonValueKind.Array && v.EnumerateArray().All(e => e.ValueKind == JsonValueKind.String)
            ? v.EnumerateArray().Select(e => e.GetString()!).ToArray()
            : throw Bad(name, "must be a list of strings", v);
    }

    /// <summary>A list of finite numbers, or empty when absent.</summary>
    public double[] DoubleList(string name)
    {
        if (!Has(name))
        {
            return [];
        }

        var v = _root.GetProperty(name);
        return v.ValueKind == JsonValueKind.Array && v.GetArrayLength() <= 4096
            && v.EnumerateArray().All(e => e.ValueKind == JsonValueKind.Number && e.TryGetDouble(out var d) && double.IsFinite(d))
            ? v.EnumerateArray().Select(e => e.GetDouble()).ToArray()
            : throw Bad(name, "must be a list of finite numbers", v);
    }

    /// <summary>Whether the field is a string (as opposed to an object or anything else).</summary>
    public bool IsString(string name) => Has(name) && _root.GetProperty(name).ValueKind == JsonValueKind.String;

    public InvalidDataException Bad(string name, string rule, object? value) =>
        new($"{Source}: {name} {rule}, not {Format(value)}");

    public InvalidDataException Missing(string name) => new($"{Source}: {name} is required");

    private static string Format(object? value) => value switch
    {
        JsonElement e => e.GetRawText(),
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        null => "null",
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "?",
    };
}
