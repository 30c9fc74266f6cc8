using FastAV.Live.Models;
using FastAV.Live.Torch;

namespace FastAV.Live.Gpu.Benchmarks;

/// <summary>
/// Seeded random weights under Hugging Face names, made on the device in the dtype asked (a 7B decoder never passes
/// through host memory): matrices N(0, 1/fan_in), vectors N(1, 0.1²) (norm scales and biases alike; timing needs no
/// trained model — random weights).
/// </summary>
internal sealed class DeviceRandomWeights(Device device, DType dtype) : IWeightSource
{
    public IEnumerable<string> Names => [];

    public bool Contains(string name) => true;

    public Tensor Get(string name, params long[] expectedShape)
    {
        using var scope = new TensorScope();
        Torch.Torch.ManualSeed(StableHash(name)); // string.GetHashCode is randomised per process
        var t = expectedShape.Length == 1
            ? Torch.Torch.Randn(expectedShape, dtype, device).Mul(0.1).Add(1.0)
            : Torch.Torch.Randn(expectedShape, dtype, device).Mul(1.0 / Math.Sqrt(expectedShape[^1]));
        return scope.MoveToOuter(t).DetachFromScopes();
    }

    // FNV-1a over the name's UTF-16 code units.
    private static ulong StableHash(string name)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in name)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        return hash;
    }
}
