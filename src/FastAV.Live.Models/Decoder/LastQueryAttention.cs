namespace FastAV.Live.Models.Decoder;

/// <summary>
/// Collects, per layer run, the attention row of the block's last query token over the keys it
/// attended: softmax(q_last·Kᵀ/√d) averaged over heads, one row only (the full map is never built).
/// <see cref="Slots"/> names the cache slot of each entry (the layer's cache after the block was
/// appended), so a policy can map scores back to tokens. Rows are plain arrays for the policies.
/// </summary>
public sealed class LastQueryAttention
{
    private readonly Dictionary<int, (float[] Row, int[] Slots)> _rows = [];

    /// <summary>Layers that recorded a row, ascending.</summary>
    public IReadOnlyList<int> Layers => _rows.Keys.Order().ToArray();

    public bool Contains(int layer) => _rows.ContainsKey(layer);

    /// <summary>Attention of the last query over <see cref="Slots"/>(layer), averaged over heads; sums to 1.</summary>
    public float[] Row(int layer) => Get(layer).Row;

    /// <summary>Cache slot of each entry of <see cref="Row"/>(layer).</summary>
    public int[] Slots(int layer) => Get(layer).Slots;

    public void Clear() => _rows.Clear();

    internal void Record(int layer, float[] row, int[] slots) => _rows[layer] = (row, slots);

    private (float[] Row, int[] Slots) Get(int layer) =>
        _rows.TryGetValue(layer, out var entry)
            ? entry
            : throw new KeyNotFoundException($"no last-query attention was recorded for layer {layer}");
}
