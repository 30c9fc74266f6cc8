namespace FastAV.Live.LoadTests.Streaming;

/// <summary>
/// One stream's story: its pruning policy, when it lived (seconds from the run's measured start), windows and
/// frames, standing answers (received, expected, late, missing, p95 from window close), KV bytes last reported,
/// warnings, and how its call ended ("OK", a gRPC status name, or "cancelled" for a client that dropped it).
/// </summary>
public sealed record StreamRecord(
    string StreamId,
    string Policy,
    double OpenedAtS,
    double ClosedAtS,
    long WindowsPrefilled,
    long WindowsDropped,
    long FramesDropped,
    long Answers,
    long Expected,
    long Late,
    long Missing,
    double P95Ms,
    long KvBytes,
    long Warnings,
    string Outcome);
