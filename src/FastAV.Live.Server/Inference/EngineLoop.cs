using System.Collections.Concurrent;
using FastAV.Live.Engine;
using FastAV.Live.Engine.Running;
using FastAV.Live.Engine.Scheduling;
using FastAV.Live.Engine.Sessions;
using FastAV.Live.Models.Composition;
using FastAV.Live.Torch;
using Microsoft.Extensions.Logging;
using Contract = FastAV.Live.Contracts.V1;

namespace FastAV.Live.Server.Inference;

/// <summary>
/// The one thread that owns the model: every tensor of every stream is touched here and nowhere else. Other threads
/// post commands and inbox items; each turn the loop runs the commands, moves inbox items into the sessions, takes
/// one LiveEngine step (answers first, then window prefills across streams) and hands out what it produced.
/// </summary>
public sealed partial class EngineLoop : IDisposable
{
    private readonly ConcurrentQueue<Action> _commands = new();
    private readonly SemaphoreSlim _wake = new(0);
    private readonly Dictionary<string, EngineStream> _streams = [];
    private readonly Dictionary<Window, WindowInput> _windowInputs = [];
    private readonly InferenceOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly LiveEngine _engine;
    private readonly Thread _thread;
    private readonly CancellationTokenSource _stop = new();
    private readonly long? _endOfSequence;
    private long _questionCounter;
    private int _disposed;

    public EngineLoop(AvModel model, InferenceOptions options, TimeProvider time, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        Model = model;
        _options = options;
        _time = time;
        _logger = logger;
        var scheduler = new Scheduler(new SchedulerOptions { MaxBatchTokens = options.MaxBatchTokens, MaxBacklogSeconds = options.MaxBacklogSeconds });
        _endOfSequence = model.Prompt.Stop.Length > 0 ? model.Prompt.Stop[0] : null;
        _engine = new LiveEngine(new ModelRunner(model.Decoder), scheduler, Embed, new LiveEngineOptions
        {
            EndOfSequence = _endOfSequence,
            StandingAnswerMaxTokens = 16,
            BatchStreams = options.BatchStreams,
        });
        _thread = new Thread(Run) { IsBackground = true, Name = "fastav-engine" };
        _thread.Start();
    }

    public AvModel Model { get; }

    /// <summary>Registers a stream: its cache is created and its prompt prefilled on the engine thread.</summary>
    public EngineStream Open(string streamId, StreamPlan plan, IStreamSink sink, IEnumerable<Contract.StandingQuestion> standing)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(sink);
        var stream = new EngineStream(this, streamId, plan, sink, _options.MaxQueuedWindows);
        var initial = standing.Select(q => q.Clone()).ToList();
        Post(() => Register(stream, initial));
        return stream;
    }

    /// <summary>Asks a question of a stream, behind every window already posted to it; returns the engine's id for <see cref="Cancel"/>.</summary>
    public string Ask(EngineStream stream, string questionId, string text, int maxTokens, IQuestionSink sink)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(sink);
        var id = $"q/{Interlocked.Increment(ref _questionCounter)}/{questionId}";
        stream.PostQuestion(new PendingQuestion(id, questionId, text, maxTokens, sink, _time.GetTimestamp()));
        return id;
    }

    /// <summary>Withdraws a question (its caller went away); its stream's cache is rolled back if it was being answered.</summary>
    public void Cancel(EngineStream stream, string engineId)
    {
        ArgumentNullException.ThrowIfNull(stream);
        Post(() =>
        {
            if (stream.RemoveQueuedQuestion(engineId) is { } queued)
            {
                queued.Sink.Failed(EngineStatuses.Cancelled);
            }
            else if (stream.Questions.Remove(engineId, out var question))
            {
                _engine.Cancel(engineId);
                question.Sink.Failed(EngineStatuses.Cancelled);
            }
        });
    }

    internal void Post(Action command)
    {
        if (Volatile.Read(ref _disposed) != 0) return;
        _commands.Enqueue(command);
        Wake();
    }

    internal void Wake()
    {
        // Stream readers may still post while the host shuts down: after Dispose there is nothing to wake.
        if (Volatile.Read(ref _disposed) == 0 && _wake.CurrentCount == 0)
        {
            _wake.Release();
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _stop.Cancel();
        _wake.Release();
        _thread.Join();
        _stop.Dispose();
        // _wake is not disposed: a reader racing shutdown may still touch it (it holds no wait handle).
    }

    private void Run()
    {
        if (_options.TorchThreads > 0) Torch.Torch.ThreadCount = _options.TorchThreads;
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var idle = true;
                try
                {
                    while (_commands.TryDequeue(out var command)) Guard("command", command);
                    foreach (var stream in _streams.Values) Feed(stream);
                    var step = _engine.Step();
                    Deliver(step);
                    idle = step.Batch.IsEmpty && _commands.IsEmpty && !_streams.Values.Any(HasReadyInput);
                }
#pragma warning disable CA1031 // the engine thread serves every stream: one unexpected failure is logged, never fatal to the others
                catch (Exception e)
#pragma warning restore CA1031
                {
                    LogEngineError(_logger, "step", e);
                }

                if (idle) _wake.Wait(TimeSpan.FromMilliseconds(250));
            }
        }
        finally
        {
            Shutdown();
        }
    }

    private void Guard(string what, Action action)
    {
        try
        {
            action();
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or TorchException or KeyNotFoundException)
        {
            LogEngineError(_logger, what, e);
        }
    }

    private bool HasReadyInput(EngineStream stream) => stream.Registered && stream.PeekReady(stream.Session.PendingWindowCount == 0);

    private void Register(EngineStream stream, List<Contract.StandingQuestion> standing)
    {
        if (stream.IsClosed) return;
        if (_streams.ContainsKey(stream.Id))
        {
            stream.Sink.Warning(Contract.WarningCode.AnswerFailed, $"the engine still holds an earlier stream {stream.Id}; this one is ingested but not answered", 0);
            return;
        }

        var plan = stream.Plan;
        try
        {
            _engine.AddStream(stream.Session, plan.Cache, plan.Eviction, Array.ConvertAll(Model.Prompt.StreamPrefix, id => (long)id), plan.Runner);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or TorchException)
        {
            stream.Sink.Warning(Contract.WarningCode.AnswerFailed, $"the engine could not start this stream: {e.Message}; media is counted but no question will be answered", 0);
            return;
        }

        stream.Registered = true;
        _streams.Add(stream.Id, stream);
        foreach (var q in standing) AddStanding(stream, q);
    }

    internal void AddStanding(EngineStream stream, Contract.StandingQuestion question)
    {
        if (!stream.Registered || stream.Standing.ContainsKey(question.QuestionId)) return;
        stream.Session.AddStandingQuestion(new StandingQuestion
        {
            Id = question.QuestionId,
            TokenIds = Model.QuestionIds(question.Text),
            PeriodSeconds = (question.IntervalMs == 0 ? 5000 : question.IntervalMs) / 1000.0,
            MaxNewTokens = MaxNewTokens(stream, question.MaxTokens, Model.QuestionIds(question.Text).Length),
        });
        stream.Standing.Add(question.QuestionId, new StandingState(question));
    }

    internal void RemoveStanding(EngineStream stream, string questionId)
    {
        if (stream.Standing.Remove(questionId)) stream.Session.RemoveStandingQuestion(questionId);
    }

    internal void Remove(EngineStream stream)
    {
        stream.SignalIfIdle(engineBusy: false);
        foreach (var q in stream.DrainQuestions()) q.Sink.Failed(EngineStatuses.StreamEnded(stream.Id));
        if (!_streams.Remove(stream.Id, out var registered) || registered != stream) return;
        _engine.RemoveStream(stream.Id);
        foreach (var q in stream.Questions.Values) q.Sink.Failed(EngineStatuses.StreamEnded(stream.Id));
        stream.Questions.Clear();
        foreach (var (window, _) in stream.Windows.Values) _windowInputs.Remove(window);
        stream.Windows.Clear();
    }

    private void Shutdown()
    {
        foreach (var stream in _streams.Values.ToList())
        {
            foreach (var q in stream.DrainQuestions().Concat(stream.Questions.Values)) q.Sink.Failed(EngineStatuses.ShuttingDown);
            stream.Questions.Clear();
        }

        _streams.Clear();
        _windowInputs.Clear();
        _engine.Dispose();
    }

    /// <summary>Moves a stream's inbox into its session; a question enters only once every earlier window is prefilled.</summary>
    private void Feed(EngineStream stream)
    {
        while (stream.TakeHead(stream.Session.PendingWindowCount == 0) is { } item)
        {
            if (item is WindowInput input)
            {
                AddWindow(stream, input);
            }
            else if (item is PendingQuestion question)
            {
                Guard(question.EngineId, () => Submit(stream, question));
            }
        }
    }

    private void AddWindow(EngineStream stream, WindowInput input)
    {
        if (stream.FirstPtsUs == long.MinValue) stream.FirstPtsUs = input.StartPtsUs;
        var start = (input.StartPtsUs - stream.FirstPtsUs) / 1e6;
        if (start < 0) return; // media before the stream's first window cannot be placed on its timeline
        var window = stream.Session.AddWindow(start);
        stream.Windows[window.Index] = (window, input);
        _windowInputs[window] = input;
    }

    private void Submit(EngineStream stream, PendingQuestion question)
    {
        var ids = Model.QuestionIds(question.Text);
        if (ids.Length + 1 > stream.Plan.QuestionReserve)
        {
            question.Sink.Failed(new Grpc.Core.Status(Grpc.Core.StatusCode.InvalidArgument, $"the question is {ids.Length} tokens; this model leaves room for {stream.Plan.QuestionReserve - 1} question and answer tokens"));
            return;
        }

        question.SpanStartUs = SpanStart(stream);
        if (question.SpanStartUs < 0)
        {
            question.Sink.Failed(EngineStatuses.NoMediaYet(stream.Id));
            return;
        }

        question.SpanEndUs = stream.LastPrefilledEndUs;
        stream.Questions[question.EngineId] = question;
        _engine.Ask(stream.Id, question.EngineId, Array.ConvertAll(ids, id => (long)id), MaxNewTokens(stream, (uint)question.MaxTokens, ids.Length), _endOfSequence);
    }

    private int MaxNewTokens(EngineStream stream, uint asked, int questionTokens)
    {
        var room = Math.Max(1, stream.Plan.QuestionReserve - questionTokens);
        return asked == 0 ? Math.Min(16, room) : (int)Math.Min(asked, (uint)room);
    }

    private Tensor Embed(Window window)
    {
        var input = _windowInputs[window];
        return Model.EmbedWindow(input.Pixels, input.Mel);
    }

    // The media time of the earliest media token the cache holds (layer 0 holds every token a window kept), µs on the
    // stream's timeline; -1 when it holds none. StreamingLLM's attention sinks (its first rows after the prompt, which the
    // cache never evicts) are left out: they keep a few tokens of the stream's first window for ever, which would make
    // every answer claim the whole stream.
    private long SpanStart(EngineStream stream)
    {
        var rows = _engine.Stream(stream.Id).Cache.Layer(0).Rows;
        var sinks = stream.Plan.Eviction is Engine.Cache.StreamingLlmEviction streaming ? streaming.SinkCount : 0;
        var earliest = double.MaxValue;
        foreach (var row in rows)
        {
            if (row.Window < 0) continue;
            if (sinks > 0)
            {
                sinks--;
                continue;
            }

            earliest = Math.Min(earliest, row.MediaTime);
        }

        return earliest == double.MaxValue ? -1 : stream.FirstPtsUs + (long)Math.Round(earliest * 1e6);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "engine work {What} failed")]
    private static partial void LogEngineError(ILogger logger, string what, Exception exception);
}
