using FastAV.Live.Torch;

namespace FastAV.Live.Models.Tests.Projectors;

/// <summary>
/// Test-only <see cref="IWeightSource"/> over float32 arrays by Hugging Face name (what the reference
/// script writes). <paramref name="checkShapes"/> false makes it hand out whatever it holds, so the
/// modules' own shape checks are exercised.
/// </summary>
internal sealed class ReferenceWeightSource(IReadOnlyDictionary<string, (float[] Data, long[] Shape)> tensors, bool checkShapes = true) : IWeightSource
{
    public IEnumerable<string> Names => tensors.Keys;

    public int GetCount { get; private set; }

    public bool Contains(string name) => tensors.ContainsKey(name);

    public Tensor Get(string name, params long[] expectedShape)
    {
        if (!tensors.TryGetValue(name, out var t))
        {
            throw new KeyNotFoundException($"no tensor '{name}'");
        }

        if (checkShapes && expectedShape.Length > 0 && !t.Shape.AsSpan().SequenceEqual(expectedShape))
        {
            throw new InvalidDataException($"tensor '{name}' has shape [{string.Join(", ", t.Shape)}], expected [{string.Join(", ", expectedShape)}]");
        }

        GetCount++;
        return Torch.Torch.FromSpan<float>(t.Data, t.Shape);
    }

    public ReferenceWeightSource Without(string name) =>
        new(tensors.Where(kv => kv.Key != name).ToDictionary(kv => kv.Key, kv => kv.Value), checkShapes);

    public ReferenceWeightSource With(string name, float[] data, params long[] shape)
    {
        var copy = tensors.ToDictionary(kv => kv.Key, kv => kv.Value);
        copy[name] = (data, shape);
        return new(copy, checkShapes);
    }

    public ReferenceWeightSource Lenient() => new(tensors, checkShapes: false);
}
