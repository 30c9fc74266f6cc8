using FastAV.Live.Models;
using FastAV.Live.Models.Decoder;
using FastAV.Live.Torch;

namespace FastAV.Live.Models.Benchmarks;

/// <summary>Random float32 decoder weights under Hugging Face names, made on demand (speed does not depend on values).</summary>
internal sealed class RandomWeightSource(DecoderConfig config) : IWeightSource
{
    public IEnumerable<string> Names => [];

    public bool Contains(string name) => !name.Contains("bias", StringComparison.Ordinal) || config.AttentionBias;

    public Tensor Get(string name, params long[] expectedShape)
    {
        using var scope = new TensorScope();
        var t = expectedShape.Length == 1
            ? Torch.Torch.Ones(expectedShape)
            : Torch.Torch.Randn(expectedShape).Mul(1.0 / Math.Sqrt(expectedShape[^1]));
        return scope.MoveToOuter(t);
    }
}
