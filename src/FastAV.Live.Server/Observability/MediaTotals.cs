namespace FastAV.Live.Server.Observability;

/// <summary>Media counted over every stream since the server started (live ones and closed ones).</summary>
public readonly record struct MediaTotals(long VideoAccepted, long VideoRejected, long AudioAccepted, long AudioRejected);
