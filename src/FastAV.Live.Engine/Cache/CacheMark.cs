namespace FastAV.Live.Engine.Cache;

/// <summary>Row counts of every layer at one moment; rolling back to it drops what was appended since.</summary>
public sealed record CacheMark(IReadOnlyList<int> CountPerLayer, long Version);
