using FastAV.Live.Torch;

namespace FastAV.Live.Models.Decoder;

/// <summary>
/// Takes the decoder's tensors from an <see cref="IWeightSource"/>: checks each shape and that all
/// share one floating-point dtype, and takes them out of any open <see cref="TensorScope"/> (the
/// modules own and dispose them).
/// </summary>
internal sealed class DecoderWeights
{
    private readonly IWeightSource _source;
    private readonly List<Tensor> _taken = [];

    public DecoderWeights(IWeightSource source) => _source = source;

    /// <summary>The dtype of the first tensor taken; every later one must match.</summary>
    public DType? DType { get; private set; }

    public Tensor Get(string name, params long[] shape)
    {
        if (!_source.Contains(name))
        {
            throw new InvalidDataException($"decoder weight '{name}' is missing (expected shape [{string.Join(", ", shape)}])");
        }

        var tensor = _source.Get(name, shape).DetachFromScopes();
        try
        {
            if (!tensor.Shape.AsSpan().SequenceEqual(shape))
            {
                throw new InvalidDataException($"decoder weight '{name}' has shape [{string.Join(", ", tensor.Shape)}], expected [{string.Join(", ", shape)}]");
            }

            var dtype = tensor.DType;
            if (dtype is not (Torch.DType.Float32 or Torch.DType.Float16 or Torch.DType.BFloat16 or Torch.DType.Float64))
            {
                throw new InvalidDataException($"decoder weight '{name}' is {dtype}, expected a floating-point dtype");
            }

            DType ??= dtype;
            if (dtype != DType)
            {
                throw new InvalidDataException($"decoder weight '{name}' is {dtype} while earlier weights are {DType}");
            }
        }
        catch
        {
            tensor.Dispose();
            throw;
        }

        _taken.Add(tensor);
        return tensor;
    }

    /// <summary>Disposes every tensor taken so far (a load that failed half-way).</summary>
    public void DisposeTaken()
    {
        foreach (var t in _taken)
        {
            t.Dispose();
        }

        _taken.Clear();
    }
}
