using FastAV.Live.Torch;

namespace FastAV.Live.Models.Projectors;

/// <summary>LayerNorm over the last dim with <c>{prefix}.weight</c> and <c>{prefix}.bias</c> [size].</summary>
internal sealed class LayerNormLayer(ModuleWeights weights, string prefix, long size, double eps)
{
    private readonly Tensor _weight = weights.Take(prefix + ".weight", size);
    private readonly Tensor _bias = weights.Take(prefix + ".bias", size);
    private readonly long[] _shape = [size];

    public Tensor Forward(Tensor x) => Functional.LayerNorm(x, _shape, _weight, _bias, eps);
}
