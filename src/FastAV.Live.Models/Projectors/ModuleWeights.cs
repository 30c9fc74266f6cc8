using FastAV.Live.Torch;

namespace FastAV.Live.Models.Projectors;

/// <summary>
/// The tensors one module takes from an <see cref="IWeightSource"/>, each checked by name and shape
/// before use; disposing it frees them all (the module owns what the source hands out).
/// </summary>
internal sealed class ModuleWeights(IWeightSource source) : IDisposable
{
    private readonly List<Tensor> _taken = [];

    public long ParameterCount { get; private set; }

    /// <summary>The tensor <paramref name="name"/>, which must exist with exactly <paramref name="shape"/> and a floating-point type.</summary>
    public Tensor Take(string name, params long[] shape)
    {
        var expected = Describe(shape);
        if (!source.Contains(name))
        {
            throw new InvalidDataException($"model weights: missing tensor '{name}' (expected shape {expected})");
        }

        var tensor = source.Get(name, shape);
        var actual = tensor.Shape;
        if (!actual.AsSpan().SequenceEqual(shape))
        {
            tensor.Dispose();
            throw new InvalidDataException($"model weights: tensor '{name}' has shape {Describe(actual)}, expected shape {expected}");
        }

        if (!IsFloatingPoint(tensor.DType))
        {
            var dtype = tensor.DType;
            tensor.Dispose();
            throw new InvalidDataException($"model weights: tensor '{name}' is {dtype}, expected a floating-point tensor of shape {expected}");
        }

        _taken.Add(tensor);
        ParameterCount += tensor.NumEl;
        return tensor;
    }

    public void Dispose()
    {
        foreach (var t in _taken)
        {
            t.Dispose();
        }

        _taken.Clear();
    }

    internal static bool IsFloatingPoint(DType dtype) => dtype is DType.Float16 or DType.BFloat16 or DType.Float32 or DType.Float64;

    internal static string Describe(ReadOnlySpan<long> shape) => "[" + string.Join(", ", shape.ToArray()) + "]";
}
