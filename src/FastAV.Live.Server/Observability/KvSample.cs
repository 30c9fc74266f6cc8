namespace FastAV.Live.Server.Observability;

/// <summary>A stream's KV cache after one prefilled window: when, bytes held, and media tokens kept by pruning in it.</summary>
public readonly record struct KvSample(long AtUnixMs, long Bytes, double TokensKeptRatio);
