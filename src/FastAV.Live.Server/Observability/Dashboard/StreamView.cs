namespace FastAV.Live.Server.Observability.Dashboard;

/// <summary>One live stream on the dashboard: who it is, how far its media got, what the engine made of it.</summary>
public sealed record StreamView(
    string Id,
    IReadOnlyDictionary<string, string> Labels,
    string Peer,
    string Policy,
    long OpenedAtUnixMs,
    double UptimeSeconds,
    double MediaSeconds,
    long VideoFrames,
    long AudioChunks,
    long MediaRejected,
    long WindowsPrefilled,
    long WindowsDropped,
    long AnswersSent,
    long KvBytes,
    long KvBudgetBytes,
    double TokensKeptRatio,
    IReadOnlyList<KvSample> Kv,
    IReadOnlyList<AnswerRecord> Answers);
