using FastAV.Live.Contracts.V1;
using FastAV.Live.Server.Inference;
using Grpc.Core;

namespace FastAV.Live.Server.Streams;

/// <summary>Detach and resume of the call's stream, and the engine failing it.</summary>
public sealed partial class StreamProtocol
{
    void IStreamSink.Failed(Status status)
    {
        lock (_gate)
        {
            if (_closed || Stream is null || Failure is not null) return;
            Failure = status;
        }

        detached?.CountFailure();
        _failure.Cancel();
    }

    /// <summary>Whether the call ending now without a half-close should detach the stream rather than close it.</summary>
    public bool CanDetach
    {
        get
        {
            lock (_gate)
            {
                return !_closed && Stream is not null && Failure is null && detached is { Enabled: true };
            }
        }
    }

    /// <summary>First half of a detach: the engine's answers go to the stream's buffer from now on.</summary>
    public void Unroute()
    {
        // Not under this call's lock: the engine thread takes the route's lock, then ours (lock order route → call).
        ResponseRoute? route;
        lock (_gate)
        {
            route = _closed ? null : Stream?.Route;
        }

        route?.Detach(this);
    }

    /// <summary>Second half: the answers the call queued but never wrote go back first, and the stream waits for a resume.</summary>
    public void Detach(IReadOnlyList<Answer> unsent)
    {
        ArgumentNullException.ThrowIfNull(unsent);
        LiveStream stream;
        lock (_gate)
        {
            if (_closed || Stream is null || detached is null) return;
            stream = Stream;
            _closed = true;
            _inference = null;
        }

        foreach (var _ in unsent) stream.Counters.ReturnAnswer();
        stream.Route?.Return(unsent);
        detached.Detach(stream);
    }

    /// <summary>
    /// Reattaches the caller's detached stream this id and token name (another tenant's stream of the id is never
    /// found). Anything else is NOT_FOUND with one message, so a caller learns nothing about ids that are not its own. StreamAccepted and the answers kept while detached go out through
    /// <see cref="Push"/> here, under the lock, so an answer the engine produces meanwhile cannot overtake them.
    /// </summary>
    private Status HandleResume(StreamOpen open)
    {
        var stream = registry.Find(new StreamKey(Owner.Name, open.StreamId));
        if (stream is null || detached is null || !detached.TryResume(stream, open.ResumeToken))
        {
            return LiveStatuses.NotFound("StreamOpen.resume_token", "no detached stream with this id and token (unknown, wrong, expired or evicted); open without it");
        }

        Stream = stream;
        stream.Counters.AddRequest();
        _media = stream.Media;
        _inference = stream.Inference;
        var buffered = stream.Route!.Attach(this);
        Push(Accepted(stream, resumed: true));
        foreach (var answer in buffered)
        {
            if (Push(new StreamResponse { Answer = answer })) stream.Counters.AddAnswer();
            else stream.Counters.AddDroppedAnswer();
        }

        return Status.DefaultSuccess;
    }

    private StreamResponse Accepted(LiveStream stream, bool resumed) => new()
    {
        Accepted = new StreamAccepted
        {
            StreamId = stream.Id,
            Model = stream.Model,
            ModelLoaded = stream.Inference is not null,
            ResumeToken = stream.ResumeToken,
            Pruning = stream.Settings.Pruning.Clone(),
            KvCache = stream.Settings.KvCache.Clone(),
            WindowMs = stream.Settings.WindowMs,
            StatsIntervalMs = (uint)options.StatsInterval.TotalMilliseconds,
            StatsEveryMessages = (uint)options.StatsEveryMessages,
            ModelDomain = stream.ModelDomain?.Clone(),
            Resumed = resumed,
            ResumeGracePeriodMs = stream.ResumeToken.Length > 0 ? (uint)options.ResumeGracePeriod.TotalMilliseconds : 0,
        },
    };
}
