using System.Buffers.Binary;
using System.Text.Json;
using FastAV.Live.Torch;

namespace FastAV.Live.Models.Tests.Decoder;

/// <summary>
/// Test-only reader of what tests/reference/qwen2_reference.py writes: NAME.json (per tensor: dtype
/// "f32"/"i64", shape, byte offset) beside NAME.bin (little-endian raw data). Serves the weights as
/// an <see cref="IWeightSource"/> and the reference inputs and outputs as arrays.
/// </summary>
internal sealed class ReferenceTensors : IWeightSource
{
    private readonly byte[] _data;
    private readonly Dictionary<string, Entry> _entries;

    public ReferenceTensors(string stem)
    {
        _data = File.ReadAllBytes(stem + ".bin");
        using var json = JsonDocument.Parse(File.ReadAllText(stem + ".json"));
        _entries = [];
        foreach (var p in json.RootElement.EnumerateObject())
        {
            var shape = p.Value.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()).ToArray();
            _entries[p.Name] = new Entry(p.Value.GetProperty("dtype").GetString()!, shape, p.Value.GetProperty("offset").GetInt64());
        }
    }

    public IEnumerable<string> Names => _entries.Keys.Where(n => !n.StartsWith("in.", StringComparison.Ordinal) && !n.StartsWith("out.", StringComparison.Ordinal));

    public bool Contains(string name) => _entries.ContainsKey(name);

    public Tensor Get(string name, params long[] expectedShape)
    {
        var e = Find(name);
        if (expectedShape.Length > 0 && !expectedShape.AsSpan().SequenceEqual(e.Shape))
        {
            throw new InvalidDataException($"'{name}' has shape [{string.Join(", ", e.Shape)}], expected [{string.Join(", ", expectedShape)}]");
        }

        return e.DType == "i64" ? Torch.Torch.FromArray(Longs(name), e.Shape) : Torch.Torch.FromArray(Floats(name), e.Shape);
    }

    public long[] Shape(string name) => Find(name).Shape;

    public float[] Floats(string name)
    {
        var e = Find(name);
        var n = checked((int)e.Shape.Aggregate(1L, (a, b) => a * b));
        var result = new float[n];
        for (var i = 0; i < n; i++)
        {
            result[i] = BinaryPrimitives.ReadSingleLittleEndian(_data.AsSpan(checked((int)e.Offset + (4 * i)), 4));
        }

        return result;
    }

    public long[] Longs(string name)
    {
        var e = Find(name);
        var n = checked((int)e.Shape.Aggregate(1L, (a, b) => a * b));
        var result = new long[n];
        for (var i = 0; i < n; i++)
        {
            result[i] = BinaryPrimitives.ReadInt64LittleEndian(_data.AsSpan(checked((int)e.Offset + (8 * i)), 8));
        }

        return result;
    }

    public int[] Ints(string name) => Array.ConvertAll(Longs(name), v => checked((int)v));

    private Entry Find(string name) =>
        _entries.TryGetValue(name, out var e) ? e : throw new KeyNotFoundException($"reference tensor '{name}' is missing");

    private sealed record Entry(string DType, long[] Shape, long Offset);
}
