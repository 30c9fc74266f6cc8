using FastAV.Live.Torch;

namespace FastAV.Live.Models.Decoder;

/// <summary>The KV cache of one sequence (one stream): a <see cref="LayerKv"/> per decoder layer, each with its own tokens.</summary>
public sealed class DecoderKvCache : IDisposable
{
    private readonly LayerKv[] _layers;

    /// <param name="initialCapacity">Token slots each layer allocates on its first append (it doubles when full).</param>
    /// <param name="device">Where the keys and values live (the model's device); CPU when null.</param>
    public DecoderKvCache(DecoderConfig config, DType dtype = DType.Float32, int initialCapacity = 64, Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(initialCapacity);
        _layers = new LayerKv[config.LayerCount];
        for (var i = 0; i < _layers.Length; i++)
        {
            _layers[i] = new LayerKv(config.KeyValueHeadCount, config.ResolvedHeadDim, dtype, initialCapacity, device ?? Device.Cpu);
        }
    }

    public int LayerCount => _layers.Length;

    public IReadOnlyList<LayerKv> Layers => _layers;

    public LayerKv this[int layer] => _layers[layer];

    /// <summary>Logical bytes of all cached keys and values.</summary>
    public long Bytes => _layers.Sum(l => l.Bytes);

    /// <summary>Tokens cached per layer (they differ once the engine prunes per layer).</summary>
    public int[] Counts() => _layers.Select(l => l.Count).ToArray();

    /// <summary>Rolls every layer back to the given counts (from an earlier <see cref="Counts"/>).</summary>
    public void Truncate(ReadOnlySpan<int> counts)
    {
        if (counts.Length != _layers.Length)
        {
            throw new ArgumentException($"{counts.Length} counts given for {_layers.Length} layers", nameof(counts));
        }

        for (var i = 0; i < _layers.Length; i++)
        {
            if (counts[i] < 0 || counts[i] > _layers[i].Count)
            {
                throw new ArgumentOutOfRangeException(nameof(counts), counts[i], $"layer {i} holds {_layers[i].Count} tokens");
            }
        }

        for (var i = 0; i < _layers.Length; i++)
        {
            _layers[i].Truncate(counts[i]);
        }
    }

    public void Dispose()
    {
        foreach (var layer in _layers)
        {
            layer.Dispose();
        }
    }
}
