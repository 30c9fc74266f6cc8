using FastAV.Live.Torch;

namespace FastAV.Live.Models.Decoder;

/// <summary>
/// Rotary position embedding in the Hugging Face layout (rotate_half over the two halves of a head).
/// Angles are computed in float32 from the positions given at each call, so keys cached before RoPE
/// can be rotated with whatever positions the cache holds now.
/// </summary>
internal sealed class RotaryEmbedding : IDisposable
{
    private readonly DecoderConfig _config;
    private readonly int _headDim;
    private readonly Tensor? _invFreq; // [1, headDim/2] float32; null for dynamic scaling (depends on length)

    public RotaryEmbedding(DecoderConfig config)
    {
        _config = config;
        _headDim = config.ResolvedHeadDim;
        if (config.RopeScaling.Kind != RopeScalingKind.Dynamic)
        {
            _invFreq = InverseFrequencies(config.RopeTheta).DetachFromScopes();
        }
    }

    /// <summary>
    /// cos and sin [N, 1, headDim] for <paramref name="positions"/> [N], to broadcast over heads.
    /// <paramref name="attendedLength"/> (largest position attended + 1) matters only for dynamic scaling.
    /// </summary>
    public (Tensor Cos, Tensor Sin) CosSin(ReadOnlySpan<long> positions, long attendedLength, DType dtype, Device? device = null)
    {
        using var scope = new TensorScope();
        var invFreq = _invFreq ?? InverseFrequencies(DynamicTheta(attendedLength));
        var pos = Torch.Torch.FromSpan(positions, positions.Length, 1).To(DType.Float32); // [N, 1]
        var freqs = pos.Matmul(invFreq);                                                   // [N, headDim/2]
        var emb = Torch.Torch.Cat([freqs, freqs], -1).Unsqueeze(1);                        // [N, 1, headDim]
        var cos = emb.Cos();
        var sin = emb.Sin();
        // Computed on the CPU in float32 (the reference's float ops), then moved to the model's device and dtype.
        if (dtype != DType.Float32 || (device is { } d && d != cos.Device))
        {
            cos = cos.To(device ?? cos.Device, dtype);
            sin = sin.To(device ?? sin.Device, dtype);
        }

        return (scope.MoveToOuter(cos), scope.MoveToOuter(sin));
    }

    /// <summary>x [N, heads, headDim] rotated: x·cos + rotate_half(x)·sin.</summary>
    public static Tensor Apply(Tensor x, Tensor cos, Tensor sin)
    {
        using var scope = new TensorScope();
        var half = x.Size(-1) / 2;
        var rotated = Torch.Torch.Cat([x.Narrow(-1, half, half).Neg(), x.Narrow(-1, 0, half)], -1);
        return scope.MoveToOuter(x.Mul(cos).Add(rotated.Mul(sin)));
    }

    public void Dispose() => _invFreq?.Dispose();

    private double DynamicTheta(long attendedLength)
    {
        var max = _config.MaxPositionEmbeddings;
        if (attendedLength <= max)
        {
            return _config.RopeTheta;
        }

        var factor = _config.RopeScaling.Factor;
        var d = (double)_headDim;
        return _config.RopeTheta * Math.Pow((factor * attendedLength / max) - (factor - 1), d / (d - 2));
    }

    // 1 / theta^(2i/d) in float32 (the same float ops as the reference), then the configured scaling.
    private Tensor InverseFrequencies(double theta)
    {
        using var scope = new TensorScope();
        var exponents = Torch.Torch.Arange(0, _headDim, 2).To(DType.Float32).Div((double)_headDim);
        var invFreq = Torch.Torch.Full([_headDim / 2], theta).Pow(exponents).Reciprocal();
        var scaling = _config.RopeScaling;
        if (scaling.Kind == RopeScalingKind.Linear)
        {
            invFreq = invFreq.Div(scaling.Factor);
        }
        else if (scaling.Kind == RopeScalingKind.Llama3)
        {
            var values = Llama3(invFreq.ToArray<float>(), scaling);
            invFreq = Torch.Torch.FromArray(values);
        }

        return scope.MoveToOuter(invFreq.Unsqueeze(0));
    }

    // Wavelengths longer than original/low are divided by the factor, shorter than original/high are kept,
    // and the band between is a linear blend in original/wavelength.
    private static float[] Llama3(float[] invFreq, RopeScaling s)
    {
        var factor = (float)s.Factor;
        var low = (float)s.LowFrequencyFactor;
        var high = (float)s.HighFrequencyFactor;
        var original = (float)s.OriginalMaxPositionEmbeddings;
        var lowWavelength = original / low;
        var highWavelength = original / high;
        var result = new float[invFreq.Length];
        for (var i = 0; i < invFreq.Length; i++)
        {
            var f = invFreq[i];
            var wavelength = 2 * MathF.PI / f;
            if (wavelength > lowWavelength)
            {
                result[i] = f / factor;
            }
            else if (wavelength < highWavelength)
            {
                result[i] = f;
            }
            else
            {
                var smooth = ((original / wavelength) - low) / (high - low);
                result[i] = ((1 - smooth) * f / factor) + (smooth * f);
            }
        }

        return result;
    }
}
