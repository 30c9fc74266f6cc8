using FastAV.Live.Torch;

namespace FastAV.Live.Models.Projectors;

/// <summary>Maps Hugging Face <c>hidden_act</c> strings to <see cref="Activation"/> and applies them.</summary>
public static class ActivationNames
{
    public static Activation Parse(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name switch
        {
            "gelu" => Activation.Gelu,
            "gelu_pytorch_tanh" or "gelu_new" or "gelu_fast" => Activation.GeluTanh,
            "quick_gelu" => Activation.QuickGelu,
            _ => throw new ArgumentException($"unsupported activation '{name}' (expected gelu, gelu_pytorch_tanh, gelu_new, gelu_fast or quick_gelu)", nameof(name)),
        };
    }

    internal static Tensor Apply(Activation activation, Tensor x) => activation switch
    {
        Activation.Gelu => x.Gelu(),
        Activation.GeluTanh => x.Gelu(GeluApproximation.Tanh),
        Activation.QuickGelu => QuickGelu(x),
        _ => throw new ArgumentOutOfRangeException(nameof(activation), activation, "unknown activation"),
    };

    private static Tensor QuickGelu(Tensor x)
    {
        using var scaled = x * 1.702;
        using var gate = scaled.Sigmoid();
        return x * gate;
    }
}
