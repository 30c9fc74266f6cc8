using FastAV.Live.Engine.Sessions;

namespace FastAV.Live.Engine.Scheduling;

/// <summary>
/// Many streams, one device. Each step: drop what is too far behind, decode every answer in flight, prefill waiting
/// questions, then share the remaining token budget among streams' windows round-robin from where the last step
/// stopped. A stream answering a question gets no window prefill until the answer is done (its cache holds the question).
/// Pure bookkeeping: ModelRunner does the work and reports back with CompleteDecodeStep.
/// </summary>
public sealed class Scheduler
{
    private readonly SchedulerOptions _options;
    private readonly List<StreamSession> _streams = [];
    private readonly List<QuestionWork> _waiting = [];
    private readonly List<QuestionWork> _decoding = [];
    private readonly Dictionary<string, QuestionWork> _questions = [];
    private readonly HashSet<string> _answering = [];
    private int _cursor;

    public Scheduler(SchedulerOptions? options = null)
    {
        _options = options ?? new SchedulerOptions();
        if (_options.MaxBatchTokens < 1) throw new ArgumentOutOfRangeException(nameof(options), _options.MaxBatchTokens, "MaxBatchTokens must be at least 1");
        if (_options.MaxDecodeSequences < 1) throw new ArgumentOutOfRangeException(nameof(options), _options.MaxDecodeSequences, "MaxDecodeSequences must be at least 1");
        if (!(_options.MaxBacklogSeconds > 0)) throw new ArgumentOutOfRangeException(nameof(options), _options.MaxBacklogSeconds, "MaxBacklogSeconds must be positive");
    }

    public IReadOnlyList<StreamSession> Streams => _streams;

    public void AddStream(StreamSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        if (_streams.Any(s => s.Id == session.Id)) throw new ArgumentException($"stream {session.Id} is already scheduled", nameof(session));
        _streams.Add(session);
    }

    /// <summary>Removes a stream and its questions.</summary>
    public bool RemoveStream(string streamId)
    {
        var index = _streams.FindIndex(s => s.Id == streamId);
        if (index < 0) return false;
        _streams.RemoveAt(index);
        if (_cursor > index) _cursor--;
        foreach (var q in _questions.Values.Where(q => q.StreamId == streamId).ToList())
        {
            Finish(q);
        }

        return true;
    }

    public QuestionWork SubmitQuestion(string streamId, string questionId, int tokenCount, int maxNewTokens)
    {
        if (_streams.All(s => s.Id != streamId)) throw new ArgumentException($"no stream {streamId}", nameof(streamId));
        if (string.IsNullOrWhiteSpace(questionId)) throw new ArgumentException("question id must not be empty", nameof(questionId));
        if (_questions.ContainsKey(questionId)) throw new ArgumentException($"question {questionId} is already in flight", nameof(questionId));
        if (tokenCount < 1 || tokenCount > _options.MaxBatchTokens)
        {
            throw new ArgumentOutOfRangeException(nameof(tokenCount), tokenCount, $"must be within 1..{_options.MaxBatchTokens}");
        }

        if (maxNewTokens < 1) throw new ArgumentOutOfRangeException(nameof(maxNewTokens), maxNewTokens, "must be at least 1");
        var work = new QuestionWork(questionId, streamId, tokenCount, maxNewTokens);
        _questions.Add(questionId, work);
        _waiting.Add(work);
        return work;
    }

    /// <summary>ModelRunner produced one token of the answer; finished when it hit end-of-sequence.</summary>
    public void CompleteDecodeStep(string questionId, bool finished)
    {
        if (!_questions.TryGetValue(questionId, out var work) || work.State != QuestionState.Decoding)
        {
            throw new InvalidOperationException($"question {questionId} is not decoding");
        }

        work.GeneratedCount++;
        if (finished || work.GeneratedCount >= work.MaxNewTokens) Finish(work);
    }

    /// <summary>Ends a question early (end-of-sequence on its first token, cancellation, failure); false when unknown.</summary>
    public bool FinishQuestion(string questionId)
    {
        if (!_questions.TryGetValue(questionId, out var work)) return false;
        Finish(work);
        return true;
    }

    public ScheduledBatch NextBatch()
    {
        var dropped = DropWhereBehind();
        var budget = _options.MaxBatchTokens;

        // A question's prefill yields its first token, so a question decodes from the step after its prefill.
        var decodes = _decoding.Take(Math.Min(_options.MaxDecodeSequences, budget)).ToList();
        budget -= decodes.Count;

        var prefills = new List<QuestionWork>();
        foreach (var q in _waiting.ToList())
        {
            if (q.TokenCount > budget) break;
            if (_answering.Contains(q.StreamId)) continue;
            _waiting.Remove(q);
            _answering.Add(q.StreamId);
            q.State = QuestionState.Decoding;
            q.GeneratedCount = 1;
            if (q.GeneratedCount >= q.MaxNewTokens) Finish(q);
            else _decoding.Add(q);
            prefills.Add(q);
            budget -= q.TokenCount;
        }

        var windows = TakeWindows(ref budget, decodes.Count + prefills.Count == 0);
        return new ScheduledBatch { DecodeSteps = decodes, QuestionPrefills = prefills, WindowPrefills = windows, DroppedWindowCount = dropped };
    }

    private List<WindowWork> TakeWindows(ref int budget, bool batchEmpty)
    {
        var windows = new List<WindowWork>();
        var taken = new HashSet<string>();
        if (_streams.Count == 0) return windows;
        var progress = true;
        var next = _cursor % _streams.Count;
        while (progress)
        {
            progress = false;
            for (var k = 0; k < _streams.Count; k++)
            {
                var s = _streams[(next + k) % _streams.Count];
                // One window per stream per step: a standing question that comes due at a window is asked before the
                // stream's next window, so its answer covers exactly the media up to that window.
                if (_answering.Contains(s.Id) || taken.Contains(s.Id) || !s.TryPeekPending(out var w)) continue;

                // An oversized window still runs alone on an otherwise empty step, so nothing starves.
                var fits = w.TokenCount <= budget || (batchEmpty && windows.Count == 0);
                if (!fits) continue;
                s.TryTakePending(out _);
                taken.Add(s.Id);
                windows.Add(new WindowWork(s, w));
                budget -= w.TokenCount;
                _cursor = (_streams.IndexOf(s) + 1) % _streams.Count;
                progress = true;
            }

            next = _cursor;
        }

        return windows;
    }

    private int DropWhereBehind()
    {
        var dropped = 0;
        foreach (var s in _streams)
        {
            while (s.PendingSeconds > _options.MaxBacklogSeconds + 1e-9)
            {
                dropped += s.DropOldestPending(1);
            }
        }

        return dropped;
    }

    private void Finish(QuestionWork work)
    {
        work.State = QuestionState.Done;
        _waiting.Remove(work);
        _decoding.Remove(work);
        _questions.Remove(work.Id);
        _answering.Remove(work.StreamId);
    }
}
