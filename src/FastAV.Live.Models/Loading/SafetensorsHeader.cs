using System.Text.Json;

namespace FastAV.Live.Models.Loading;

/// <summary>
/// Parses and validates a safetensors JSON header against the size of the data section that follows it: every
/// dtype known, every shape × element size equal to its byte range, ranges inside the data, sorted they tile it with
/// no overlap and no hole (as the format requires). Nothing is allocated from the declared sizes.
/// </summary>
internal static class SafetensorsHeader
{
    public static (Dictionary<string, SafetensorsTensorInfo> Tensors, Dictionary<string, string> Metadata) Parse(
        ReadOnlySpan<byte> json, long dataLength, string file)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json.ToArray(), new JsonDocumentOptions { MaxDepth = 8 });
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{file}: the safetensors header is not valid JSON ({ex.Message})", ex);
        }

        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw Bad(file, "the safetensors header is not a JSON object");
            }

            var tensors = new Dictionary<string, SafetensorsTensorInfo>(StringComparer.Ordinal);
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var p in root.EnumerateObject())
            {
                if (!seen.Add(p.Name))
                {
                    throw Bad(file, $"the header lists '{p.Name}' twice");
                }

                if (p.Name == "__metadata__")
                {
                    ReadMetadata(p.Value, metadata, file);
                    continue;
                }

                tensors[p.Name] = ReadTensor(p.Name, p.Value, dataLength, file);
            }

            CheckTiling(tensors.Values, dataLength, file);
            return (tensors, metadata);
        }
    }

    private static SafetensorsTensorInfo ReadTensor(string name, JsonElement e, long dataLength, string file)
    {
        if (e.ValueKind != JsonValueKind.Object)
        {
            throw Bad(file, $"tensor '{name}': entry is not an object");
        }

        var dtypeName = e.TryGetProperty("dtype", out var d) && d.ValueKind == JsonValueKind.String
            ? d.GetString()!
            : throw Bad(file, $"tensor '{name}': no dtype");
        if (!SafetensorsDType.TryParse(dtypeName, out var dtype, out var elementSize))
        {
            throw Bad(file, $"tensor '{name}': dtype '{dtypeName}' is not supported ({SafetensorsDType.Supported})");
        }

        if (!e.TryGetProperty("shape", out var s) || s.ValueKind != JsonValueKind.Array)
        {
            throw Bad(file, $"tensor '{name}': no shape array");
        }

        var shape = new long[s.GetArrayLength()];
        var bytes = (long)elementSize;
        var i = 0;
        foreach (var dim in s.EnumerateArray())
        {
            if (dim.ValueKind != JsonValueKind.Number || !dim.TryGetInt64(out var v) || v < 0)
            {
                throw Bad(file, $"tensor '{name}': shape entry {dim} is not a non-negative integer");
            }

            shape[i++] = v;
            // Saturate instead of overflowing: any size past the data section is an error below anyway.
            bytes = v == 0 || bytes == 0 ? 0 : bytes > long.MaxValue / v ? long.MaxValue : bytes * v;
        }

        if (!e.TryGetProperty("data_offsets", out var o) || o.ValueKind != JsonValueKind.Array || o.GetArrayLength() != 2
            || !o[0].TryGetInt64(out var begin) || !o[1].TryGetInt64(out var end))
        {
            throw Bad(file, $"tensor '{name}': data_offsets is not [begin, end]");
        }

        if (begin < 0 || end < begin || end > dataLength)
        {
            throw Bad(file, $"tensor '{name}': data_offsets [{begin}, {end}] are outside the {dataLength}-byte data section");
        }

        if (end - begin != bytes)
        {
            var need = bytes == long.MaxValue ? "more than 2^63" : bytes.ToString(System.Globalization.CultureInfo.InvariantCulture);
            throw Bad(file, $"tensor '{name}': shape [{string.Join(", ", shape)}] of {dtypeName} needs {need} bytes but data_offsets [{begin}, {end}] span {end - begin}");
        }

        return new SafetensorsTensorInfo(name, dtypeName, dtype, shape, begin, end);
    }

    private static void CheckTiling(IEnumerable<SafetensorsTensorInfo> tensors, long dataLength, string file)
    {
        var position = 0L;
        SafetensorsTensorInfo? previous = null;
        foreach (var t in tensors.OrderBy(t => t.Begin).ThenBy(t => t.End))
        {
            if (t.Begin < position)
            {
                throw Bad(file, $"tensors '{previous!.Name}' [{previous.Begin}, {previous.End}) and '{t.Name}' [{t.Begin}, {t.End}) overlap");
            }

            if (t.Begin > position)
            {
                throw Bad(file, $"bytes [{position}, {t.Begin}) of the data section belong to no tensor");
            }

            position = t.End;
            previous = t;
        }

        if (position != dataLength)
        {
            throw Bad(file, $"the data section has {dataLength} bytes but the tensors cover {position}");
        }
    }

    private static void ReadMetadata(JsonElement e, Dictionary<string, string> metadata, string file)
    {
        if (e.ValueKind != JsonValueKind.Object)
        {
            throw Bad(file, "__metadata__ is not an object");
        }

        foreach (var p in e.EnumerateObject())
        {
            metadata[p.Name] = p.Value.ValueKind == JsonValueKind.String
                ? p.Value.GetString()!
                : throw Bad(file, $"__metadata__ value '{p.Name}' is not a string");
        }
    }

    private static InvalidDataException Bad(string file, string message) => new($"{file}: {message}");
}
