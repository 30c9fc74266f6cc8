using FastAV.Live.Models;
using FastAV.Live.Torch;

namespace FastAV.Live.Engine.Benchmarks;

/// <summary>Seeded random weights under Hugging Face names, created on demand (timing needs no trained model).</summary>
internal sealed class RandomDecoderSource : IWeightSource
{
    public IEnumerable<string> Names => [];

    public bool Contains(string name) => true;

    public Tensor Get(string name, params long[] expectedShape)
    {
        using var scope = new TensorScope();
        Torch.Torch.ManualSeed((ulong)StringComparer.Ordinal.GetHashCode(name) & 0xffff);
        var t = expectedShape.Length == 1
            ? Torch.Torch.Randn(expectedShape).Mul(0.1).Add(1.0)
            : Torch.Torch.Randn(expectedShape).Mul(1.0 / Math.Sqrt(expectedShape[^1]));
        return scope.MoveToOuter(t).DetachFromScopes();
    }
}
