using FastAV.Live.Torch;

namespace FastAV.Live.Models.Decoder;

/// <summary>
/// One sequence's part of a batched forward (<see cref="DecoderModel.RunLayers(IReadOnlyList{DecoderBlock}, int, int)"/>):
/// its hidden states [T, hidden] at <see cref="Positions"/> [T], the cache it appends to and attends over, and what it records.
/// Blocks share the linear layers (their tokens are stacked) and never see each other in attention.
/// </summary>
public sealed record DecoderBlock
{
    public required Tensor Hidden { get; init; }

    public required long[] Positions { get; init; }

    public required DecoderKvCache Cache { get; init; }

    /// <summary>Per layer, the cached slots this block attends to (all when a layer is absent).</summary>
    public IReadOnlyDictionary<int, int[]>? CachedSlots { get; init; }

    /// <summary>Receives each layer's last-query row of this block.</summary>
    public LastQueryAttention? LastQuery { get; init; }

    /// <summary>Offline only: receives each layer's full head-averaged attention map of this block.</summary>
    public AttentionMaps? Maps { get; init; }
}
