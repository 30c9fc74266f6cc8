using System.Text.Json;

namespace FastAV.Live.Models.Loading;

/// <summary>
/// model.safetensors.index.json of a sharded checkpoint: which shard file holds each tensor. Shard names must be
/// plain file names beside the index (no directories, no "..").
/// </summary>
public sealed class SafetensorsIndex
{
    public const string FileName = "model.safetensors.index.json";

    private SafetensorsIndex(string path, Dictionary<string, string> weightMap)
    {
        Path = path;
        WeightMap = weightMap;
    }

    public string Path { get; }

    /// <summary>Tensor name → shard file name.</summary>
    public IReadOnlyDictionary<string, string> WeightMap { get; }

    public IEnumerable<string> ShardFiles => WeightMap.Values.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);

    public static SafetensorsIndex Load(string path, long maxBytes = 64L * 1024 * 1024)
    {
        var length = new FileInfo(path).Length;
        if (length > maxBytes)
        {
            throw new InvalidDataException($"{path}: {length} bytes is more than the {maxBytes} allowed for an index");
        }

        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(File.ReadAllBytes(path), new JsonDocumentOptions { MaxDepth = 8 });
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{path}: not valid JSON ({ex.Message})", ex);
        }

        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object
                || !doc.RootElement.TryGetProperty("weight_map", out var map) || map.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidDataException($"{path}: no \"weight_map\" object");
            }

            var weightMap = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var p in map.EnumerateObject())
            {
                var shard = p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : string.Empty;
                if (shard.Length == 0 || shard != System.IO.Path.GetFileName(shard) || shard is "." or ".."
                    || !shard.EndsWith(".safetensors", StringComparison.Ordinal))
                {
                    throw new InvalidDataException($"{path}: tensor '{p.Name}' maps to '{p.Value}', not a .safetensors file name beside the index");
                }

                if (!weightMap.TryAdd(p.Name, shard))
                {
                    throw new InvalidDataException($"{path}: tensor '{p.Name}' is listed twice");
                }
            }

            return new SafetensorsIndex(path, weightMap);
        }
    }
}
