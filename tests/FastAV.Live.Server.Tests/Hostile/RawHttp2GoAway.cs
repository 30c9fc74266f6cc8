namespace FastAV.Live.Server.Tests.Hostile;

/// <summary>A GOAWAY the server sent: the last stream it processed, why, and its debug text.</summary>
public sealed record RawHttp2GoAway(int LastStreamId, Http2ErrorCode ErrorCode, string DebugData);
