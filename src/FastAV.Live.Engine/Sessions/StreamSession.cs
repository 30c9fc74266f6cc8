namespace FastAV.Live.Engine.Sessions;

/// <summary>
/// The token timeline of one live stream: prompt first, then windows in media order, each ending in a separator.
/// Holds the windows not yet prefilled and the standing questions; history lives in the cache, not here.
/// </summary>
public sealed class StreamSession
{
    private readonly Queue<Window> _pending = new();
    private readonly List<StandingQuestion> _standing = [];
    private readonly Dictionary<string, double> _nextDue = [];
    private long _nextTimelineIndex;
    private long _nextWindowIndex;
    private double _mediaEnd;

    public StreamSession(string id, StreamSessionOptions? options = null)
    {
        if (string.IsNullOrWhiteSpace(id)) throw new ArgumentException("stream id must not be empty", nameof(id));
        Options = options ?? new StreamSessionOptions();
        if (!(Options.WindowSeconds > 0) || double.IsInfinity(Options.WindowSeconds)) throw new ArgumentOutOfRangeException(nameof(options), Options.WindowSeconds, "WindowSeconds must be positive");
        if (Options.FramesPerWindow < 0 || Options.TokensPerFrame < 0 || Options.AudioTokensPerWindow < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "token counts must not be negative");
        }

        if (Options.MaxPendingWindows < 1) throw new ArgumentOutOfRangeException(nameof(options), Options.MaxPendingWindows, "MaxPendingWindows must be at least 1");
        Id = id;
    }

    public string Id { get; }

    public StreamSessionOptions Options { get; }

    public int PromptTokenCount { get; private set; }

    /// <summary>Tokens the timeline has handed out (prompt and every window, dropped ones included).</summary>
    public long TimelineLength => _nextTimelineIndex;

    public int PendingWindowCount => _pending.Count;

    /// <summary>Media seconds received but not yet taken for prefill: how far the stream is behind real time.</summary>
    public double PendingSeconds => _pending.Sum(w => w.DurationSeconds);

    public long WindowCount => _nextWindowIndex;

    public long TakenWindowCount { get; private set; }

    public long DroppedWindowCount { get; private set; }

    public double DroppedSeconds { get; private set; }

    public IReadOnlyList<StandingQuestion> StandingQuestions => _standing;

    /// <summary>Sets the prompt: it comes first in the timeline, once.</summary>
    public void SetPrompt(int promptTokenCount)
    {
        if (promptTokenCount < 0) throw new ArgumentOutOfRangeException(nameof(promptTokenCount), promptTokenCount, "must not be negative");
        if (_nextTimelineIndex != 0) throw new InvalidOperationException("the prompt must be set before any window");
        PromptTokenCount = promptTokenCount;
        _nextTimelineIndex = promptTokenCount;
    }

    /// <summary>The next window of media, starting where the last one ended (or at startSeconds for the first).</summary>
    public Window AddWindow(double startSeconds)
    {
        if (!double.IsFinite(startSeconds) || startSeconds < 0) throw new ArgumentOutOfRangeException(nameof(startSeconds), startSeconds, "must be finite and non-negative");
        if (_nextWindowIndex > 0 && startSeconds < _mediaEnd - 1e-9)
        {
            throw new ArgumentOutOfRangeException(nameof(startSeconds), startSeconds, $"windows must not overlap; the last one ended at {_mediaEnd}");
        }

        if (_pending.Count >= Options.MaxPendingWindows)
        {
            throw new InvalidOperationException($"stream {Id} already has {_pending.Count} windows waiting");
        }

        var o = Options;
        var duration = o.WindowSeconds;
        var video = o.FramesPerWindow * o.TokensPerFrame;
        var count = video + o.AudioTokensPerWindow + 1;
        var kinds = new TokenKind[count];
        var times = new double[count];
        var frames = new int[count];
        for (var i = 0; i < count; i++)
        {
            if (i < video)
            {
                var frame = i / o.TokensPerFrame;
                kinds[i] = TokenKind.Video;
                frames[i] = frame;
                times[i] = startSeconds + frame * duration / o.FramesPerWindow;
            }
            else if (i < count - 1)
            {
                kinds[i] = TokenKind.Audio;
                frames[i] = -1;
                times[i] = startSeconds + (i - video) * duration / o.AudioTokensPerWindow;
            }
            else
            {
                kinds[i] = TokenKind.Separator;
                frames[i] = -1;
                times[i] = startSeconds + duration;
            }
        }

        var window = new Window(_nextWindowIndex++, startSeconds, duration, _nextTimelineIndex, kinds, times, frames);
        _nextTimelineIndex += count;
        _mediaEnd = window.EndSeconds;
        _pending.Enqueue(window);
        return window;
    }

    public bool TryPeekPending(out Window window) => _pending.TryPeek(out window!);

    /// <summary>Takes the oldest waiting window for prefill.</summary>
    public bool TryTakePending(out Window window)
    {
        if (!_pending.TryDequeue(out window!)) return false;
        TakenWindowCount++;
        return true;
    }

    /// <summary>Drops the oldest waiting windows (the stream fell behind real time) and counts them.</summary>
    public int DropOldestPending(int count)
    {
        if (count < 0) throw new ArgumentOutOfRangeException(nameof(count), count, "must not be negative");
        var dropped = 0;
        while (dropped < count && _pending.TryDequeue(out var window))
        {
            DroppedWindowCount++;
            DroppedSeconds += window.DurationSeconds;
            dropped++;
        }

        return dropped;
    }

    public void AddStandingQuestion(StandingQuestion question)
    {
        ArgumentNullException.ThrowIfNull(question);
        if (string.IsNullOrWhiteSpace(question.Id)) throw new ArgumentException("question id must not be empty", nameof(question));
        if (question.TokenIds is null || question.TokenIds.Length == 0) throw new ArgumentException("a question needs tokens", nameof(question));
        if (!(question.PeriodSeconds > 0) || double.IsInfinity(question.PeriodSeconds)) throw new ArgumentOutOfRangeException(nameof(question), question.PeriodSeconds, "PeriodSeconds must be positive");
        if (!_nextDue.TryAdd(question.Id, _mediaEnd + question.PeriodSeconds)) throw new ArgumentException($"standing question {question.Id} exists", nameof(question));
        _standing.Add(question);
    }

    /// <summary>Stops asking a standing question; false when it is not standing.</summary>
    public bool RemoveStandingQuestion(string questionId)
    {
        if (!_nextDue.Remove(questionId)) return false;
        _standing.RemoveAll(q => q.Id == questionId);
        return true;
    }

    /// <summary>Standing questions due by mediaSeconds; each becomes due again one period later.</summary>
    public IReadOnlyList<StandingQuestion> TakeDueQuestions(double mediaSeconds)
    {
        var due = new List<StandingQuestion>();
        foreach (var q in _standing)
        {
            if (_nextDue[q.Id] > mediaSeconds) continue;
            due.Add(q);
            while (_nextDue[q.Id] <= mediaSeconds) _nextDue[q.Id] += q.PeriodSeconds;
        }

        return due;
    }
}
