using FastAV.Live.Engine.Sessions;
using Window = FastAV.Live.Engine.Sessions.Window;
using Contract = FastAV.Live.Contracts.V1;

namespace FastAV.Live.Server.Inference;

/// <summary>
/// A live stream's handle on the engine. The stream's reader posts windows and questions in message order into a
/// bounded inbox (any thread); the engine thread moves them into the session, holding a question back until every
/// window posted before it is prefilled, so a question covers exactly the media sent before it.
/// </summary>
public sealed class EngineStream
{
    private readonly Lock _gate = new();
    private readonly LinkedList<object> _inbox = new();
    private readonly EngineLoop _loop;
    private readonly int _maxQueuedWindows;
    private int _queuedWindows;
    private long _windowsPrefilled;
    private long _windowsDropped;
    private long _kvBytes;
    private long _kvTokens;
    private int _closed;
    private TaskCompletionSource? _idle;

    internal EngineStream(EngineLoop loop, string id, StreamPlan plan, IStreamSink sink, int maxQueuedWindows)
    {
        _loop = loop;
        Id = id;
        Plan = plan;
        Sink = sink;
        _maxQueuedWindows = maxQueuedWindows;
        Session = new StreamSession(id, plan.Session);
    }

    public string Id { get; }

    public long WindowsPrefilled => Interlocked.Read(ref _windowsPrefilled);

    /// <summary>Windows dropped because the stream was behind (inbox full, or the scheduler's backlog limit).</summary>
    public long WindowsDropped => Interlocked.Read(ref _windowsDropped);

    public long KvBytes => Interlocked.Read(ref _kvBytes);

    public long KvTokens => Interlocked.Read(ref _kvTokens);

    public bool IsClosed => Volatile.Read(ref _closed) != 0;

    internal StreamPlan Plan { get; }

    internal IStreamSink Sink { get; }

    // Engine-thread state.
    internal StreamSession Session { get; }

    /// <summary>Windows in the session not yet prefilled (or dropped), by index.</summary>
    internal Dictionary<long, (Window Window, WindowInput Input)> Windows { get; } = [];

    /// <summary>The last windows prefilled, by index: standing answers take their span and latency from them.</summary>
    internal Dictionary<long, WindowInput> RecentWindows { get; } = [];

    internal Dictionary<string, StandingState> Standing { get; } = [];

    internal Dictionary<string, PendingQuestion> Questions { get; } = [];

    internal bool Registered { get; set; }

    internal long FirstPtsUs { get; set; } = long.MinValue;

    internal long LastPrefilledEndUs { get; set; } = -1;

    internal long LastPrefilledIndex { get; set; } = -1;

    internal long DroppedSeen { get; set; }

    /// <summary>FLOPs of every window prefilled so far, pruned and as unpruned.</summary>
    internal double WindowFlops { get; set; }

    internal double WindowFlopsUnpruned { get; set; }

    /// <summary>Queues a complete window; returns how many older queued windows were dropped to make room.</summary>
    public int PostWindow(WindowInput window)
    {
        ArgumentNullException.ThrowIfNull(window);
        var dropped = 0;
        lock (_gate)
        {
            if (IsClosed) return 0;
            while (_queuedWindows >= _maxQueuedWindows && DropOldestQueuedWindow())
            {
                dropped++;
            }

            _inbox.AddLast(window);
            _queuedWindows++;
        }

        if (dropped > 0) Interlocked.Add(ref _windowsDropped, dropped);
        _loop.Telemetry?.WindowsDropped(dropped);
        _loop.Wake();
        return dropped;
    }

    /// <summary>Queues a question behind every window posted so far.</summary>
    internal void PostQuestion(PendingQuestion question)
    {
        lock (_gate)
        {
            if (IsClosed)
            {
                question.Sink.Failed(EngineStatuses.StreamEnded(Id));
                return;
            }

            _inbox.AddLast(question);
        }

        _loop.Wake();
    }

    public void AddStandingQuestion(Contract.StandingQuestion question)
    {
        ArgumentNullException.ThrowIfNull(question);
        var copy = question.Clone();
        _loop.Post(() => _loop.AddStanding(this, copy));
    }

    public void CancelStandingQuestion(string questionId) => _loop.Post(() => _loop.RemoveStanding(this, questionId));

    /// <summary>Ends the stream on the engine: its cache is freed and its open questions fail. Idempotent.</summary>
    public void Close()
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0) return;
        _loop.Post(() => _loop.Remove(this));
    }

    /// <summary>Engine thread: the oldest inbox item, if it may enter the engine now.</summary>
    internal object? TakeHead(bool questionMayEnter)
    {
        lock (_gate)
        {
            var head = _inbox.First;
            if (head is null || (head.Value is PendingQuestion && !questionMayEnter)) return null;
            _inbox.RemoveFirst();
            if (head.Value is WindowInput) _queuedWindows--;
            return head.Value;
        }
    }

    /// <summary>Completes once the inbox is empty, every window is prefilled and no question is in flight (or the stream closed).</summary>
    public Task WhenIdleAsync(CancellationToken cancellationToken)
    {
        var idle = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            if (IsClosed) return Task.CompletedTask;
            _idle?.TrySetResult();
            _idle = idle;
        }

        _loop.Wake();
        return idle.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Engine thread: completes a pending <see cref="WhenIdleAsync"/> when nothing is left to do.</summary>
    internal void SignalIfIdle(bool engineBusy)
    {
        lock (_gate)
        {
            if (_idle is null) return;
            if (!IsClosed && (engineBusy || _inbox.Count > 0 || Session.PendingWindowCount > 0 || Questions.Count > 0)) return;
            _idle.TrySetResult();
            _idle = null;
        }
    }

    /// <summary>Engine thread: whether <see cref="TakeHead"/> would return an item.</summary>
    internal bool PeekReady(bool questionMayEnter)
    {
        lock (_gate)
        {
            var head = _inbox.First;
            return head is not null && (head.Value is not PendingQuestion || questionMayEnter);
        }
    }

    /// <summary>Takes a question out of the inbox if it has not entered the engine yet.</summary>
    internal PendingQuestion? RemoveQueuedQuestion(string engineId)
    {
        lock (_gate)
        {
            for (var node = _inbox.First; node is not null; node = node.Next)
            {
                if (node.Value is PendingQuestion q && q.EngineId == engineId)
                {
                    _inbox.Remove(node);
                    return q;
                }
            }

            return null;
        }
    }

    /// <summary>Engine thread, at removal: every queued question (to fail them).</summary>
    internal List<PendingQuestion> DrainQuestions()
    {
        lock (_gate)
        {
            var questions = _inbox.OfType<PendingQuestion>().ToList();
            _inbox.Clear();
            _queuedWindows = 0;
            return questions;
        }
    }

    internal void CountPrefill(long kvBytes, long kvTokens)
    {
        Interlocked.Increment(ref _windowsPrefilled);
        Interlocked.Exchange(ref _kvBytes, kvBytes);
        Interlocked.Exchange(ref _kvTokens, kvTokens);
    }

    internal void CountDropped(long windows)
    {
        Interlocked.Add(ref _windowsDropped, windows);
        _loop.Telemetry?.WindowsDropped(windows);
    }

    /// <summary>Windows and questions in the inbox, not yet in the engine.</summary>
    internal int InboxCount
    {
        get
        {
            lock (_gate)
            {
                return _inbox.Count;
            }
        }
    }

    private bool DropOldestQueuedWindow()
    {
        for (var node = _inbox.First; node is not null; node = node.Next)
        {
            if (node.Value is WindowInput)
            {
                _inbox.Remove(node);
                _queuedWindows--;
                return true;
            }
        }

        return false;
    }
}
