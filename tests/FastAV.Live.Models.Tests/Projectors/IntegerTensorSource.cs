using FastAV.Live.Torch;

namespace FastAV.Live.Models.Tests.Projectors;

/// <summary>A source that hands out an integer tensor under one name (a checkpoint with a wrong dtype).</summary>
internal sealed class IntegerTensorSource(IWeightSource inner, string name) : IWeightSource
{
    public IEnumerable<string> Names => inner.Names;

    public bool Contains(string n) => inner.Contains(n);

    public Tensor Get(string n, params long[] expectedShape)
    {
        if (n != name)
        {
            return inner.Get(n, expectedShape);
        }

        using var real = inner.Get(n, expectedShape);
        return real.To(DType.Int64);
    }
}
