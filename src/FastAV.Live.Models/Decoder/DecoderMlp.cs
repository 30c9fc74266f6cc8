using FastAV.Live.Torch;

namespace FastAV.Live.Models.Decoder;

/// <summary>SwiGLU feed-forward: down(silu(gate(x)) · up(x)).</summary>
internal sealed class DecoderMlp : IDisposable
{
    private readonly Tensor _gate; // [intermediate, hidden]
    private readonly Tensor _up;   // [intermediate, hidden]
    private readonly Tensor _down; // [hidden, intermediate]

    public DecoderMlp(DecoderConfig config, DecoderWeights weights, string prefix)
    {
        _gate = weights.Get(prefix + "gate_proj.weight", config.IntermediateSize, config.HiddenSize);
        _up = weights.Get(prefix + "up_proj.weight", config.IntermediateSize, config.HiddenSize);
        _down = weights.Get(prefix + "down_proj.weight", config.HiddenSize, config.IntermediateSize);
    }

    /// <summary>[T, hidden] -> [T, hidden].</summary>
    public Tensor Forward(Tensor x)
    {
        using var scope = new TensorScope();
        var gated = Functional.Linear(x, _gate).Silu().Mul(Functional.Linear(x, _up)); // [T, intermediate]
        return scope.MoveToOuter(Functional.Linear(gated, _down));
    }

    public void Dispose()
    {
        _gate.Dispose();
        _up.Dispose();
        _down.Dispose();
    }
}
