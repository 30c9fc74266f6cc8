namespace FastAV.Live.Server.Observability.Dashboard;

/// <summary>
/// One live stream on the dashboard: who it is (its tenant: ids are unique per tenant), whether its client is connected
/// ("live") or gone and the stream held for a resume ("detached"), how far its media got, what the engine made of it.
/// </summary>
public sealed record StreamView(
    string Id,
    string Tenant,
    string State,
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
