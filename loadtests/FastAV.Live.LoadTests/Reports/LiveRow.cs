namespace FastAV.Live.LoadTests.Reports;

/// <summary>One scenario's line of the live view: phase, time, copies, requests, and the streaming numbers that matter while it runs.</summary>
public sealed record LiveRow(
    string Scenario,
    string Phase,
    TimeSpan Elapsed,
    TimeSpan? Planned,
    int Copies,
    long Ok,
    long Fail,
    double Rps,
    double P95Ms,
    int Streams,
    double StandingP95Ms,
    long WindowsDropped,
    long Missing,
    long KvBytes);
