using System.Diagnostics;
using FastAV.Live.Server.Streams;
using Microsoft.Extensions.Options;

namespace FastAV.Live.Server.Observability;

/// <summary>
/// The live streams as observability sees them: one <see cref="StreamObservation"/> per stream from open to close,
/// by the engine's name for it (<see cref="StreamKey.QualifiedId"/>: ids are unique per tenant, and the engine's hooks
/// name streams so). Media counts are read from each stream's own counters (every accepted or rejected frame is counted there
/// once); when a stream closes its counts move into the closed totals under the same lock a scrape reads with, so the
/// exported totals never go down.
/// </summary>
public sealed class StreamBoard(IOptions<DashboardOptions> options)
{
    private readonly DashboardOptions _options = options.Value;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, StreamObservation> _streams = new(StringComparer.Ordinal);
    private MediaTotals _closed;

    public StreamObservation Opened(LiveStream stream, ActivityContext trace)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var observation = new StreamObservation(stream, trace, _options.AnswersPerStream, _options.KvSamplesPerStream);
        lock (_gate)
        {
            _streams[stream.Key.QualifiedId] = observation;
        }

        return observation;
    }

    public void Closed(LiveStream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        lock (_gate)
        {
            if (!_streams.TryGetValue(stream.Key.QualifiedId, out var observation) || observation.Stream != stream)
            {
                return;
            }

            _streams.Remove(stream.Key.QualifiedId);
            var c = stream.Counters;
            _closed = new MediaTotals(
                _closed.VideoAccepted + c.VideoFramesAccepted,
                _closed.VideoRejected + c.VideoFramesRejected,
                _closed.AudioAccepted + c.AudioChunksAccepted,
                _closed.AudioRejected + c.AudioChunksRejected);
        }
    }

    /// <summary>The stream the engine calls <paramref name="engineId"/> (<see cref="StreamKey.QualifiedId"/>), or null.</summary>
    public StreamObservation? Find(string engineId)
    {
        lock (_gate)
        {
            return _streams.GetValueOrDefault(engineId);
        }
    }

    /// <summary>The live streams, ordered by key (tenant, then id).</summary>
    public IReadOnlyList<StreamObservation> Live()
    {
        lock (_gate)
        {
            return _streams.Values.OrderBy(o => o.Stream.Key).ToArray();
        }
    }

    public MediaTotals Totals()
    {
        lock (_gate)
        {
            var t = _closed;
            foreach (var o in _streams.Values)
            {
                var c = o.Stream.Counters;
                t = new MediaTotals(t.VideoAccepted + c.VideoFramesAccepted, t.VideoRejected + c.VideoFramesRejected, t.AudioAccepted + c.AudioChunksAccepted, t.AudioRejected + c.AudioChunksRejected);
            }

            return t;
        }
    }

    /// <summary>KV bytes held by every live stream, and their share of the streams' budgets (0 with none).</summary>
    public (long Bytes, double Usage) Kv()
    {
        long bytes = 0, budget = 0;
        lock (_gate)
        {
            foreach (var o in _streams.Values)
            {
                bytes += o.KvBytes;
                budget += o.KvBudgetBytes;
            }
        }

        return (bytes, budget == 0 ? 0 : Math.Min(1, (double)bytes / budget));
    }
}
