using FastAV.Live.Torch;

namespace FastAV.Live.Models.Decoder;

/// <summary>x / sqrt(mean(x²) + eps) · weight over the last dimension (statistics in float32, as Qwen2 does).</summary>
internal sealed class RmsNorm : IDisposable
{
    private readonly Tensor _weight; // [size]
    private readonly double _eps;
    private readonly long _size;

    public RmsNorm(Tensor weight, double eps)
    {
        _weight = weight;
        _eps = eps;
        _size = weight.Size(0);
    }

    /// <summary>[..., size] -> [..., size].</summary>
    public Tensor Forward(Tensor x) => Functional.RmsNorm(x, [_size], _weight, _eps);

    public void Dispose() => _weight.Dispose();
}
