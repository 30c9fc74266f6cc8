using FastAV.Live.Engine.Cache;
using FastAV.Live.Engine.Running;
using FastAV.Live.Engine.Scheduling;
using FastAV.Live.Engine.Sessions;
using FastAV.Live.Torch;

namespace FastAV.Live.Engine;

/// <summary>
/// Many live streams on one model. Step() is the algorithm: ask the scheduler for a batch, decode one token of every
/// answer in flight, prefill waiting questions, prefill windows, report what finished. Window embeddings come from
/// the caller (encoders and projectors live outside the engine).
/// </summary>
public sealed class LiveEngine : IDisposable
{
    private readonly ModelRunner _runner;
    private readonly Scheduler _scheduler;
    private readonly Func<Window, Tensor> _embedWindow;
    private readonly LiveEngineOptions _options;
    private readonly Dictionary<string, StreamKv> _streams = [];
    private readonly Dictionary<StreamKv, ModelRunner> _runners = [];
    private readonly Dictionary<string, (string StreamId, long[] Ids, long? EndOfSequence)> _questions = [];
    private readonly Dictionary<string, AnswerInProgress> _answers = [];

    /// <param name="embedWindow">Window → embeddings [TokenCount, hidden], owned by the caller's scope.</param>
    public LiveEngine(ModelRunner runner, Scheduler scheduler, Func<Window, Tensor> embedWindow, LiveEngineOptions? options = null)
    {
        _options = options ?? new LiveEngineOptions();
        if (_options.StandingAnswerMaxTokens < 1) throw new ArgumentOutOfRangeException(nameof(options), _options.StandingAnswerMaxTokens, "StandingAnswerMaxTokens must be at least 1");
        ArgumentNullException.ThrowIfNull(runner);
        ArgumentNullException.ThrowIfNull(scheduler);
        ArgumentNullException.ThrowIfNull(embedWindow);
        _runner = runner;
        _scheduler = scheduler;
        _embedWindow = embedWindow;
    }

    public StreamKv Stream(string streamId) =>
        _streams.TryGetValue(streamId, out var kv) ? kv : throw new KeyNotFoundException($"no stream {streamId}");

    /// <summary>Registers a stream, creates its cache and prefills its prompt.</summary>
    /// <param name="runner">This stream's pruning (a runner over the same model); the engine's runner when null.</param>
    public StreamKv AddStream(StreamSession session, RollingKvCacheOptions cache, IEvictionPolicy eviction, ReadOnlySpan<long> promptIds, ModelRunner? runner = null)
    {
        ArgumentNullException.ThrowIfNull(session);
        if (_streams.ContainsKey(session.Id)) throw new ArgumentException($"stream {session.Id} exists", nameof(session));
        if (session.TimelineLength != 0) throw new ArgumentException("the session already has a timeline; add it before its prompt and windows", nameof(session));
        runner ??= _runner;
        var kv = runner.CreateStream(cache, eviction);
        try
        {
            session.SetPrompt(promptIds.Length);
            if (!promptIds.IsEmpty) runner.PrefillPrompt(kv, promptIds);
            _scheduler.AddStream(session);
        }
        catch
        {
            kv.Dispose();
            throw;
        }

        _streams.Add(session.Id, kv);
        _runners.Add(kv, runner);
        return kv;
    }

    /// <summary>The id a standing question's answer carries: "{stream}/{question}@{window}", unique across streams.</summary>
    public static string StandingAnswerId(string streamId, string questionId, long windowIndex) => $"{streamId}/{questionId}@{windowIndex}";

    /// <summary>Questions of a stream waiting or being answered (standing ones included).</summary>
    public int QuestionsInFlight(string streamId) => _questions.Values.Count(q => q.StreamId == streamId);

    /// <summary>The tokens generated so far for a question in flight; null when it is not (or no longer) decoding.</summary>
    public IReadOnlyList<long>? TokensSoFar(string questionId) =>
        _answers.TryGetValue(questionId, out var answer) ? answer.Tokens : null;

    /// <summary>The probabilities of the tokens generated so far (as <see cref="TokensSoFar"/>); null when not decoding.</summary>
    public IReadOnlyList<float>? ProbabilitiesSoFar(string questionId) =>
        _answers.TryGetValue(questionId, out var answer) ? answer.TokenProbabilities : null;

    /// <summary>Drops a question (waiting or decoding) and rolls its stream's cache back; false when unknown.</summary>
    public bool Cancel(string questionId)
    {
        if (!_questions.ContainsKey(questionId)) return false;
        if (_answers.Remove(questionId, out var answer)) RunnerOf(answer.Stream).EndAnswer(answer);
        _questions.Remove(questionId);
        _scheduler.FinishQuestion(questionId);
        return true;
    }

    public bool RemoveStream(string streamId)
    {
        if (!_streams.Remove(streamId, out var kv)) return false;
        foreach (var id in _questions.Where(q => q.Value.StreamId == streamId).Select(q => q.Key).ToList())
        {
            _answers.Remove(id);
            _questions.Remove(id);
        }

        _scheduler.RemoveStream(streamId);
        _runners.Remove(kv);
        kv.Dispose();
        return true;
    }

    /// <summary>Queues a question; it is answered ahead of any window ingest.</summary>
    public QuestionWork Ask(string streamId, string questionId, long[] questionIds, int maxNewTokens, long? endOfSequence = null)
    {
        ArgumentNullException.ThrowIfNull(questionIds);
        if (questionIds.Length == 0) throw new ArgumentException("a question needs tokens", nameof(questionIds));
        var work = _scheduler.SubmitQuestion(streamId, questionId, questionIds.Length, maxNewTokens);
        _questions[questionId] = (streamId, (long[])questionIds.Clone(), endOfSequence);
        return work;
    }

    /// <summary>
    /// One device step: the scheduler's batch run as one forward pass over every stream in it (answer tokens and window
    /// tokens stacked for the linear layers, attention per stream, each window pruned by its stream's runner), unless
    /// <see cref="LiveEngineOptions.BatchStreams"/> is off. Work that fails is reported and cleaned up; the rest goes on.
    /// </summary>
    public EngineStep Step()
    {
        var batch = _scheduler.NextBatch();
        var answers = new List<CompletedAnswer>();
        var prefills = new List<(string, long, PrefillResult)>();
        var failures = new List<(string, string)>();
        using var scope = new TensorScope();

        // Answer work: a token of every answer decoding, then the first token of every question coming in.
        var steps = new List<(QuestionWork Work, AnswerStep Step, bool Decoding)>();
        foreach (var q in batch.DecodeSteps)
        {
            var answer = _answers[q.Id];
            steps.Add((q, new AnswerStep(RunnerOf(answer.Stream), answer), true));
        }

        foreach (var q in batch.QuestionPrefills)
        {
            Guard(q.Id, failures, () =>
            {
                var (_, ids, eos) = _questions[q.Id];
                var stream = _streams[q.StreamId];
                var answer = _runners[stream].StartAnswer(stream, ids, q.MaxNewTokens, eos);
                _answers[q.Id] = answer;
                steps.Add((q, new AnswerStep(_runners[stream], answer), false));
            }, () => Abandon(q));
        }

        var windows = new List<(WindowWork Work, WindowPrefill Prefill)>();
        foreach (var w in batch.WindowPrefills)
        {
            Guard(w.Session.Id, failures, () =>
            {
                var standing = w.Session.StandingQuestions;
                var query = _options.QuestionAwarePruning && standing.Count > 0 ? Array.ConvertAll(standing[0].TokenIds, id => (long)id) : null;
                var stream = _streams[w.Session.Id];
                windows.Add((w, new WindowPrefill(_runners[stream], stream, _embedWindow(w.Window), w.Window, query)));
            }, () => { });
        }

        var result = Run(steps.Select(s => s.Step).ToList(), windows.Select(w => w.Prefill).ToList());
        for (var i = 0; i < steps.Count; i++)
        {
            var (q, step, decoding) = steps[i];
            if (result.AnswerFailures[i] is { } failure)
            {
                Abandon(q);
                failures.Add((q.Id, failure.Message));
                continue;
            }

            var answer = step.Answer;
            if (decoding) _scheduler.CompleteDecodeStep(q.Id, answer.IsFinished);
            else if (answer.IsFinished) _scheduler.FinishQuestion(q.Id);
            if (answer.IsFinished) answers.Add(End(q));
        }

        for (var i = 0; i < windows.Count; i++)
        {
            var w = windows[i].Work;
            if (result.PrefillFailures[i] is { } failure)
            {
                failures.Add((w.Session.Id, failure.Message));
                continue;
            }

            prefills.Add((w.Session.Id, w.Window.Index, result.Prefills[i]!));

            // Standing questions come due by media time; they are asked over the cache as it is now.
            foreach (var due in w.Session.TakeDueQuestions(w.Window.EndSeconds))
            {
                Guard(w.Session.Id, failures, () => Ask(w.Session.Id, StandingAnswerId(w.Session.Id, due.Id, w.Window.Index), Array.ConvertAll(due.TokenIds, id => (long)id), due.MaxNewTokens ?? _options.StandingAnswerMaxTokens, _options.EndOfSequence), () => { });
            }
        }

        return new EngineStep { Batch = batch, Answers = answers, Prefills = prefills, Failures = failures, ForwardPasses = result.ForwardPasses };
    }

    public void Dispose()
    {
        foreach (var kv in _streams.Values) kv.Dispose();
        _streams.Clear();
    }

    private CompletedAnswer End(QuestionWork q)
    {
        var answer = _answers[q.Id];
        _answers.Remove(q.Id);
        _questions.Remove(q.Id);
        return new CompletedAnswer(q.Id, q.StreamId, RunnerOf(answer.Stream).EndAnswer(answer));
    }

    private ModelRunner RunnerOf(StreamKv stream) => _runners[stream];

    private void Abandon(QuestionWork q)
    {
        if (_answers.Remove(q.Id, out var answer)) RunnerOf(answer.Stream).EndAnswer(answer);
        _questions.Remove(q.Id);
        _scheduler.FinishQuestion(q.Id);
    }

    // The step's work as one forward, or (BatchStreams off) each piece as its own forward, in the same order.
    private BatchResult Run(List<AnswerStep> steps, List<WindowPrefill> windows)
    {
        if (_options.BatchStreams) return ModelRunner.RunBatch(steps, windows);
        var answers = steps.Select(s => ModelRunner.RunBatch([s], [])).ToArray();
        var prefills = windows.Select(w => ModelRunner.RunBatch([], [w])).ToArray();
        return new BatchResult
        {
            AnswerFailures = answers.Select(a => a.AnswerFailures[0]).ToArray(),
            Prefills = prefills.Select(p => p.Prefills[0]).ToArray(),
            PrefillFailures = prefills.Select(p => p.PrefillFailures[0]).ToArray(),
            ForwardPasses = answers.Sum(a => a.ForwardPasses) + prefills.Sum(p => p.ForwardPasses),
        };
    }

    // One failing piece of work is reported and cleaned up; the step goes on for every other stream.
    private static void Guard(string id, List<(string, string)> failures, Action work, Action cleanUp)
    {
        try
        {
            work();
        }
        catch (Exception e) when (Lockstep.IsWorkFailure(e))
        {
            cleanUp();
            failures.Add((id, e.Message));
        }
    }
}
