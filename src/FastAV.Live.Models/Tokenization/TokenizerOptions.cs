namespace FastAV.Live.Models.Tokenization;

/// <summary>Limits and cache sizes of <see cref="BpeTokenizer"/>.</summary>
public sealed record TokenizerOptions
{
    /// <summary>A tokenizer.json larger than this is refused before it is read (Qwen2's is ~11 MB).</summary>
    public long MaxFileBytes { get; init; } = 256L * 1024 * 1024;

    /// <summary>Pieces whose merges are cached; the cache is emptied when it reaches this count.</summary>
    public int MaxCacheEntries { get; init; } = 65_536;

    /// <summary>Pieces longer than this (UTF-16 units) are merged every time rather than cached.</summary>
    public int MaxCachedPieceLength { get; init; } = 256;

    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxFileBytes, 2, nameof(MaxFileBytes));
        ArgumentOutOfRangeException.ThrowIfNegative(MaxCacheEntries, nameof(MaxCacheEntries));
        ArgumentOutOfRangeException.ThrowIfNegative(MaxCachedPieceLength, nameof(MaxCachedPieceLength));
    }
}
