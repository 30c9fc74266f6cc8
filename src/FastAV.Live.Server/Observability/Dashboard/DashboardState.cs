namespace FastAV.Live.Server.Observability.Dashboard;

/// <summary>What the dashboard page draws, sent as JSON (api/state) and as server-sent events (api/events).</summary>
public sealed record DashboardState(
    string Model,
    string Readiness,
    long AtUnixMs,
    MediaTotals Totals,
    IReadOnlyList<StreamView> Streams);
