using System.Text.Json;
using FastAV.Live.Server.Inference;
using FastAV.Live.Server.Streams;

namespace FastAV.Live.Server.Observability.Dashboard;

/// <summary>Builds the dashboard's state from the registry's streams and what <see cref="StreamBoard"/> observed of them.</summary>
public sealed class DashboardSnapshot(StreamBoard board, StreamRegistry registry, ModelHost models, ServerReadiness readiness, TimeProvider time)
{
    public DashboardState Take() => new(
        models.Name,
        readiness.State,
        time.GetUtcNow().ToUnixTimeMilliseconds(),
        board.Totals(),
        board.Live().Select(View).ToArray());

    public string Json() => JsonSerializer.Serialize(Take(), DashboardJsonContext.Default.DashboardState);

    private StreamView View(StreamObservation o)
    {
        var s = o.Stream;
        var c = s.Counters;
        return new StreamView(
            s.Id,
            s.Tenant,
            s.State == FastAV.Live.Contracts.V1.StreamState.Detached ? "detached" : "live",
            new SortedDictionary<string, string>(s.Open.Labels, StringComparer.Ordinal),
            s.Peer,
            LiveMetrics.PolicyLabel(s.Settings.Pruning.Policy),
            s.OpenedAt.ToUnixTimeMilliseconds(),
            registry.UptimeMs(s) / 1000.0,
            c.MediaDurationUs / 1e6,
            c.VideoFramesAccepted,
            c.AudioChunksAccepted,
            c.VideoFramesRejected + c.AudioChunksRejected,
            s.Engine?.WindowsPrefilled ?? 0,
            s.Engine?.WindowsDropped ?? 0,
            c.AnswersSent,
            o.KvBytes,
            o.KvBudgetBytes,
            o.TokensKeptRatio,
            o.Samples(),
            o.Answers());
    }
}
