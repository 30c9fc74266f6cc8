using FastAV.Live.Torch;

namespace FastAV.Live.Models.Decoder;

/// <summary>
/// One layer's cached tokens: keys BEFORE RoPE, values, and each token's position. Slots are in
/// arrival order; RoPE is applied at attention time from <see cref="Positions"/>, so the engine may
/// re-index positions (<see cref="Reposition"/>), keep any subset (<see cref="Retain"/>) or roll
/// back the newest tokens (<see cref="Truncate"/>) without recomputing anything. Each layer holds its
/// own token set. Storage grows by doubling; memory is Capacity x 2 x heads x headDim elements.
/// </summary>
public sealed class LayerKv : IDisposable
{
    private readonly int _initialCapacity;
    private readonly DType _dtype;
    private readonly Device _device;
    private Tensor? _keys;   // [capacity, kvHeads, headDim], pre-RoPE
    private Tensor? _values; // [capacity, kvHeads, headDim]
    private long[] _positions = [];

    internal LayerKv(int keyValueHeadCount, int headDim, DType dtype, int initialCapacity, Device device)
    {
        KeyValueHeadCount = keyValueHeadCount;
        HeadDim = headDim;
        _dtype = dtype;
        _device = device;
        _initialCapacity = Math.Max(1, initialCapacity);
    }

    public int KeyValueHeadCount { get; }

    public int HeadDim { get; }

    /// <summary>Tokens cached in this layer.</summary>
    public int Count { get; private set; }

    /// <summary>Token slots the storage holds before it must grow.</summary>
    public int Capacity => _positions.Length;

    /// <summary>Position of each cached token (slot order), as used for RoPE at attention time.</summary>
    public ReadOnlySpan<long> Positions => _positions.AsSpan(0, Count);

    /// <summary>Logical bytes of the cached keys and values.</summary>
    public long Bytes => 2L * Count * KeyValueHeadCount * HeadDim * ElementBytes(_dtype);

    /// <summary>Cached keys before RoPE, [Count, kvHeads, headDim] (a view; the caller disposes it).</summary>
    public Tensor Keys() => Live(_keys);

    /// <summary>Cached values, [Count, kvHeads, headDim] (a view; the caller disposes it).</summary>
    public Tensor Values() => Live(_values);

    /// <summary>Keeps only <paramref name="slots"/> (strictly increasing), compacted to slots 0..n-1 in that order.</summary>
    public void Retain(ReadOnlySpan<int> slots)
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        for (var i = 0; i < slots.Length; i++)
        {
            if (slots[i] < 0 || slots[i] >= Count)
            {
                throw new ArgumentOutOfRangeException(nameof(slots), slots[i], $"slot {slots[i]} is outside the cache (count {Count})");
            }

            if (i > 0 && slots[i] <= slots[i - 1])
            {
                throw new ArgumentException($"slots must be strictly increasing; slot {slots[i]} follows {slots[i - 1]}", nameof(slots));
            }
        }

        if (slots.Length == Count)
        {
            return; // strictly increasing and all in range: every slot, nothing to move
        }

        if (slots.Length > 0)
        {
            using var scope = new TensorScope();
            var index = Torch.Torch.FromSpan(ToLong(slots), slots.Length).To(_device);
            var keys = _keys!.IndexSelect(0, index);
            var values = _values!.IndexSelect(0, index);
            _keys!.Narrow(0, 0, slots.Length).Copy_(keys);
            _values!.Narrow(0, 0, slots.Length).Copy_(values);
        }

        for (var i = 0; i < slots.Length; i++)
        {
            _positions[i] = _positions[slots[i]];
        }

        Count = slots.Length;
    }

    /// <summary>Gives every cached token a new position (one per slot), e.g. re-indexed to stay inside the trained context.</summary>
    public void Reposition(ReadOnlySpan<long> positions)
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        if (positions.Length != Count)
        {
            throw new ArgumentException($"{positions.Length} positions given for {Count} cached tokens", nameof(positions));
        }

        CheckPositions(positions, nameof(positions));
        positions.CopyTo(_positions);
    }

    /// <summary>Drops the newest tokens so that <paramref name="count"/> remain (rolls back a question and its answer).</summary>
    public void Truncate(int count)
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        if (count < 0 || count > Count)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, $"must be within 0..{Count}");
        }

        Count = count;
    }

    public void Clear() => Truncate(0);

    public bool IsDisposed { get; private set; }

    public void Dispose()
    {
        IsDisposed = true;
        _keys?.Dispose();
        _values?.Dispose();
        _keys = null;
        _values = null;
    }

    /// <summary>Appends keys (pre-RoPE) and values [n, kvHeads, headDim] at <paramref name="positions"/> [n].</summary>
    internal void Append(Tensor keys, Tensor values, ReadOnlySpan<long> positions)
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        var n = positions.Length;
        EnsureCapacity(checked(Count + n));
        _keys!.Narrow(0, Count, n).Copy_(keys).Dispose();
        _values!.Narrow(0, Count, n).Copy_(values).Dispose();
        positions.CopyTo(_positions.AsSpan(Count));
        Count += n;
    }

    internal static void CheckPositions(ReadOnlySpan<long> positions, string name)
    {
        foreach (var p in positions)
        {
            if (p < 0)
            {
                throw new ArgumentOutOfRangeException(name, p, "positions must be >= 0");
            }
        }
    }

    private static int ElementBytes(DType dtype) => dtype switch
    {
        DType.Float16 or DType.BFloat16 => 2,
        DType.Float64 => 8,
        _ => 4,
    };

    private Tensor Live(Tensor? storage)
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        return storage is null
            ? Torch.Torch.Empty([0, KeyValueHeadCount, HeadDim], _dtype, _device)
            : storage.Narrow(0, 0, Count);
    }

    private void EnsureCapacity(int needed)
    {
        if (needed <= Capacity)
        {
            return;
        }

        var capacity = Math.Max(needed, Math.Max(_initialCapacity, Capacity * 2));
        using (var scope = new TensorScope())
        {
            var keys = Torch.Torch.Empty([capacity, KeyValueHeadCount, HeadDim], _dtype, _device);
            var values = Torch.Torch.Empty([capacity, KeyValueHeadCount, HeadDim], _dtype, _device);
            if (Count > 0)
            {
                keys.Narrow(0, 0, Count).Copy_(_keys!.Narrow(0, 0, Count));
                values.Narrow(0, 0, Count).Copy_(_values!.Narrow(0, 0, Count));
            }

            _keys?.Dispose();
            _values?.Dispose();
            _keys = keys.DetachFromScopes();
            _values = values.DetachFromScopes();
        }

        Array.Resize(ref _positions, capacity);
    }

    private static long[] ToLong(ReadOnlySpan<int> slots)
    {
        var result = new long[slots.Length];
        for (var i = 0; i < slots.Length; i++)
        {
            result[i] = slots[i];
        }

        return result;
    }
}
