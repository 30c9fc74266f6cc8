using FastAV.Live.Contracts.V1;
using FastAV.Live.Server.Inference;
using Grpc.Core;

namespace FastAV.Live.Server.Streams;

/// <summary>
/// Where a stream's engine events go (the engine holds this for the stream's whole life): to the call attached now,
/// or, while the stream is detached, answers into a bounded buffer that a resume sends first (overflow counted in
/// detached_answers_dropped) and warnings only into warnings_suppressed. Called on the engine thread; never blocks
/// beyond the attached call's own lock. Lock order: this route, then the call's (<see cref="StreamProtocol"/>) — a call
/// never detaches itself while holding its own lock.
/// </summary>
public sealed class ResponseRoute(StreamCounters counters, int maxDetachedAnswers) : IStreamSink
{
    private readonly Lock _gate = new();
    private readonly List<Answer> _buffer = [];
    private IStreamSink? _call;

    /// <summary>Called (outside the lock) when the engine fails the stream while no call is attached.</summary>
    public Action<Status>? DetachedFailure { get; set; }

    /// <summary>Answers buffered now (for tests and GetStream-side checks).</summary>
    public int BufferedAnswers
    {
        get
        {
            lock (_gate)
            {
                return _buffer.Count;
            }
        }
    }

    /// <summary>Routes to <paramref name="call"/> from now on; returns the answers buffered while detached, oldest first.</summary>
    public IReadOnlyList<Answer> Attach(IStreamSink call)
    {
        ArgumentNullException.ThrowIfNull(call);
        lock (_gate)
        {
            _call = call;
            var buffered = _buffer.ToArray();
            _buffer.Clear();
            return buffered;
        }
    }

    /// <summary>Stops routing to <paramref name="call"/> (if it is the attached one): answers are buffered from now on.</summary>
    public void Detach(IStreamSink call)
    {
        lock (_gate)
        {
            if (ReferenceEquals(_call, call)) _call = null;
        }
    }

    /// <summary>Answers the ended call had queued but never wrote: they are older than anything buffered since, so they go first.</summary>
    public void Return(IReadOnlyList<Answer> unsent)
    {
        ArgumentNullException.ThrowIfNull(unsent);
        lock (_gate)
        {
            _buffer.InsertRange(0, unsent);
            while (_buffer.Count > maxDetachedAnswers)
            {
                _buffer.RemoveAt(_buffer.Count - 1);
                counters.AddDetachedAnswerDropped();
            }
        }
    }

    public void StandingAnswer(Answer answer)
    {
        lock (_gate)
        {
            if (_call is not null)
            {
                _call.StandingAnswer(answer);
            }
            else if (_buffer.Count < maxDetachedAnswers)
            {
                _buffer.Add(answer);
            }
            else
            {
                counters.AddDetachedAnswerDropped();
            }
        }
    }

    public void Warning(WarningCode code, string message, long ptsUs)
    {
        lock (_gate)
        {
            if (_call is not null)
            {
                _call.Warning(code, message, ptsUs);
                return;
            }
        }

        counters.AddSuppressedWarning();
    }

    public void Failed(Status status)
    {
        Action<Status>? detached;
        lock (_gate)
        {
            if (_call is not null)
            {
                _call.Failed(status);
                return;
            }

            detached = DetachedFailure;
        }

        detached?.Invoke(status);
    }
}
