namespace FastAV.Live.Models.Decoder;

/// <summary>
/// Offline analysis only (attention rollout, calibration), never on the serving path: per layer run, the full attention
/// map of the block, softmax(Q·Kᵀ/√d + causal mask) with the heads averaged, [Rows = block tokens, Cols = attended keys]
/// row-major in float32. Row i is the block's token i; column j is the attended key whose cache slot is
/// <see cref="Slots"/>(layer)[j]. Masked (future) entries are 0, so every row sums to 1.
/// Heads are averaged, not kept: rollout needs only the mean, and a 7B-geometry map per head would be 28× larger.
/// </summary>
public sealed class AttentionMaps
{
    /// <summary>Largest map recorded for one layer (rows × cols): 64 Mi floats, 256 MiB.</summary>
    public const long MaxCells = 64L * 1024 * 1024;

    private readonly Dictionary<int, (float[] Map, int Rows, int[] Slots)> _maps = [];

    /// <summary>Layers that recorded a map, ascending.</summary>
    public IReadOnlyList<int> Layers => _maps.Keys.Order().ToArray();

    public bool Contains(int layer) => _maps.ContainsKey(layer);

    /// <summary>The head-averaged map of the layer, [Rows(layer), Cols(layer)] row-major.</summary>
    public float[] Map(int layer) => Get(layer).Map;

    /// <summary>Block tokens (queries) of the layer's map.</summary>
    public int Rows(int layer) => Get(layer).Rows;

    /// <summary>Attended keys (columns) of the layer's map.</summary>
    public int Cols(int layer) => Get(layer).Slots.Length;

    /// <summary>Cache slot of each column of <see cref="Map"/>(layer).</summary>
    public int[] Slots(int layer) => Get(layer).Slots;

    public void Clear() => _maps.Clear();

    internal void Record(int layer, float[] map, int rows, int[] slots) => _maps[layer] = (map, rows, slots);

    private (float[] Map, int Rows, int[] Slots) Get(int layer) =>
        _maps.TryGetValue(layer, out var entry)
            ? entry
            : throw new KeyNotFoundException($"no attention map was recorded for layer {layer}");
}
