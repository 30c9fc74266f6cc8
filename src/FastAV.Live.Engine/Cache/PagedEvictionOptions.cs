namespace FastAV.Live.Engine.Cache;

/// <summary>PagedEviction: whole blocks go, chosen by their mean ‖V‖/‖K‖.</summary>
public sealed record PagedEvictionOptions
{
    /// <summary>Rows per block (a page of the paged KV layout).</summary>
    public int BlockSize { get; init; } = 16;
}
