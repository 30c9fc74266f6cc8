using FastAV.Live.Torch;

namespace FastAV.Live.Models;

/// <summary>
/// Named weight tensors of a model, by their Hugging Face names ("model.layers.0.self_attn.q_proj.weight").
/// Modules take their weights from here at construction; a missing tensor or a wrong shape is an error
/// that names the tensor and the expected shape.
/// </summary>
public interface IWeightSource
{
    IEnumerable<string> Names { get; }

    bool Contains(string name);

    /// <summary>The tensor, checked against <paramref name="expectedShape"/> (empty = any shape).</summary>
    Tensor Get(string name, params long[] expectedShape);
}
