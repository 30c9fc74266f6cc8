using FastAV.Live.Torch;

namespace FastAV.Live.Models.Projectors;

/// <summary>x Wᵀ + b with <c>{prefix}.weight</c> [out, in] and <c>{prefix}.bias</c> [out].</summary>
internal sealed class LinearLayer
{
    private readonly Tensor _weight;
    private readonly Tensor? _bias;

    public LinearLayer(ModuleWeights weights, string prefix, long inFeatures, long outFeatures, bool bias = true)
    {
        _weight = weights.Take(prefix + ".weight", outFeatures, inFeatures);
        _bias = bias ? weights.Take(prefix + ".bias", outFeatures) : null;
    }

    /// <summary>[..., in] -> [..., out].</summary>
    public Tensor Forward(Tensor x) => Functional.Linear(x, _weight, _bias);
}
