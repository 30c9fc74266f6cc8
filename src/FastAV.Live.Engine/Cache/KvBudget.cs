namespace FastAV.Live.Engine.Cache;

/// <summary>What one layer may hold: the tighter of a token count and a byte size.</summary>
public sealed record KvBudget
{
    public int MaxTokens { get; init; } = 4096;

    /// <summary>Null: no byte limit beyond MaxTokens.</summary>
    public long? MaxBytes { get; init; }

    public int EffectiveMaxTokens(long bytesPerToken)
    {
        if (MaxTokens < 1) throw new ArgumentOutOfRangeException(nameof(MaxTokens), MaxTokens, "must be at least 1");
        if (MaxBytes is null) return MaxTokens;
        if (MaxBytes < bytesPerToken) throw new ArgumentOutOfRangeException(nameof(MaxBytes), MaxBytes, $"cannot hold one token of {bytesPerToken} bytes");
        return (int)Math.Min(MaxTokens, MaxBytes.Value / bytesPerToken);
    }
}
