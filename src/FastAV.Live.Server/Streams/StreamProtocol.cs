using FastAV.Live.Contracts.V1;
using Grpc.Core;
using FastAV.Live.Server.Inference;

namespace FastAV.Live.Server.Streams;

/// <summary>
/// The message grammar of one Stream call, without any I/O: each request goes in, the responses it
/// causes come out, and a non-OK status means the call must end with it. The call's reader and its stats
/// timer both use it, so every entry point takes one lock.
/// </summary>
/// <remarks>
/// Order violations (media or a question before StreamOpen, a second StreamOpen) are INVALID_ARGUMENT:
/// they break the call's message order whatever the server's state. A bad media message is counted and
/// warned about, never fatal. A question ends the call with FAILED_PRECONDITION "no model loaded" while
/// the server has no engine: a bidi call carries one status, and a question that cannot be answered
/// should not look like a stream that goes on silently. Standing questions only draw a NO_MODEL_LOADED
/// warning: they ask nothing immediately. With a model, accepted media goes through the stream's
/// <see cref="StreamInference"/>; answers and engine warnings come back on the engine thread through
/// <see cref="Push"/>.
/// </remarks>
public sealed partial class StreamProtocol(StreamRegistry registry, LiveAnalyticsOptions options, string peer, ModelHost? models = null, TimeProvider? time = null, DetachedStreams? detached = null) : IStreamSink
{
    private readonly CancellationTokenSource _failure = new();
    private readonly Lock _gate = new();
    private readonly StreamOpenValidator _openValidator = new(options);
    private readonly QuestionValidator _questions = new(options);
    private MediaValidator? _media;
    private long _requestIndex = -1;
    private int _warningsThisInterval;
    private bool _closed;
    private StreamInference? _inference;

    /// <summary>The registered stream once StreamOpen was accepted.</summary>
    public LiveStream? Stream { get; private set; }

    /// <summary>The status the engine failed this stream with (the call must end with it); null while it has not.</summary>
    public Status? Failure { get; private set; }

    /// <summary>Fires when <see cref="Failure"/> is set.</summary>
    public CancellationToken Failing => _failure.Token;

    /// <summary>Sends a response produced outside Receive (answers, engine warnings); false when the call's queue is full.</summary>
    public Func<StreamResponse, bool> Push { get; set; } = _ => false;

    /// <summary>The client finished sending: waits (up to <paramref name="timeout"/>) until the media sent is prefilled and every question answered.</summary>
    public async Task DrainAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        StreamInference? inference;
        lock (_gate)
        {
            inference = _closed ? null : _inference;
        }

        if (inference is null) return;
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        try
        {
            Task drained;
            lock (_gate)
            {
                drained = inference.DrainAsync(limit.Token);
            }

            await drained.ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // Past the drain deadline the call ends anyway; what was not answered is lost with the stream.
        }
    }

    void IStreamSink.StandingAnswer(Answer answer)
    {
        lock (_gate)
        {
            if (_closed || Stream is null) return;
            if (Push(new StreamResponse { Answer = answer })) Stream.Counters.AddAnswer();
            else Stream.Counters.AddDroppedAnswer();
        }
    }

    void IStreamSink.Warning(WarningCode code, string message, long ptsUs)
    {
        lock (_gate)
        {
            if (_closed || Stream is null) return;
            var output = new List<StreamResponse>(1);
            Warn(Stream, code, message, ptsUs, _requestIndex, output);
            foreach (var response in output)
            {
                if (!Push(response)) Stream.Counters.AddSuppressedWarning();
            }
        }
    }

    public Status Receive(StreamRequest request, ICollection<StreamResponse> output)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(output);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_closed, this);
            var index = ++_requestIndex;
            if (Stream is null)
            {
                return request.KindCase == StreamRequest.KindOneofCase.Open
                    ? HandleOpen(request.Open, output)
                    : LiveStatuses.Invalid("StreamRequest", $"the first message must be StreamOpen, got {Describe(request.KindCase)}");
            }

            var stream = Stream;
            var requests = stream.Counters.AddRequest();
            var status = request.KindCase switch
            {
                StreamRequest.KindOneofCase.Open => LiveStatuses.Invalid("StreamRequest.open", "StreamOpen may only be the first message of the call"),
                StreamRequest.KindOneofCase.Video => HandleVideo(stream, request.Video, index, output),
                StreamRequest.KindOneofCase.Audio => HandleAudio(stream, request.Audio, index, output),
                StreamRequest.KindOneofCase.Question => HandleQuestion(stream, request.Question, index, output),
                StreamRequest.KindOneofCase.StandingQuestion => HandleStandingQuestion(stream, request.StandingQuestion, index, output),
                StreamRequest.KindOneofCase.CancelStandingQuestion => HandleCancel(stream, request.CancelStandingQuestion, index, output),
                _ => HandleUnknown(stream, index, output),
            };
            if (status.IsOk() && options.StatsEveryMessages > 0 && requests % options.StatsEveryMessages == 0)
            {
                output.Add(StatsLocked(stream, final: false));
            }

            return status;
        }
    }

    /// <summary>A StreamStats response now (null before StreamOpen); starts a new warning budget.</summary>
    public StreamResponse? Stats(bool final)
    {
        lock (_gate)
        {
            return Stream is null ? null : StatsLocked(Stream, final);
        }
    }

    /// <summary>Takes the stream out of the registry; idempotent.</summary>
    public void Close()
    {
        ResponseRoute? route = null;
        lock (_gate)
        {
            // The engine lets go of the stream before the registry frees its id: a reconnect under the same id then
            // registers on the engine after this stream's removal (the engine runs its commands in order).
            if (!_closed)
            {
                _inference?.Dispose();
                if (Stream is not null)
                {
                    route = Stream.Route;
                    registry.Close(Stream);
                }
            }

            _inference = null;
            _closed = true;
        }

        route?.Detach(this); // outside our lock: the engine thread locks the route, then us
    }

    private Status HandleOpen(StreamOpen open, ICollection<StreamResponse> output)
    {
        var status = _openValidator.Validate(open);
        if (!status.IsOk())
        {
            return status;
        }

        if (open.ResumeToken.Length > 0)
        {
            return HandleResume(open);
        }

        if (registry.Find(open.StreamId) is { State: StreamState.Detached } stale)
        {
            detached?.Discard(stale); // a camera that lost its token starts over under its id
        }

        StreamPlan? plan = null;
        if (models?.Model is { } model)
        {
            status = StreamPlanner.Plan(model, open, StreamSettings.Resolve(open, options), models.Options, out plan);
            if (!status.IsOk())
            {
                return status;
            }
        }

        status = registry.TryOpen(open, peer, out var stream);
        if (!status.IsOk())
        {
            return status;
        }

        Stream = stream!;
        Stream.Counters.AddRequest();
        _media = new MediaValidator(options, open.Video, open.Audio);
        Stream.Media = _media;
        Stream.Route = new ResponseRoute(Stream.Counters, Math.Min(options.MaxDetachedAnswers, options.ResponseQueueCapacity - 1));
        Stream.Route.Attach(this);
        Stream.ResumeToken = detached is { Enabled: true } ? DetachedStreams.NewToken() : "";
        if (plan is not null)
        {
            Stream.Model = models!.Name;
            Stream.FramesPerWindow = models.Model!.FramesPerWindow;
            plan = models.Faults?.Apply(models.Model, open.StreamId, plan) ?? plan;
            try
            {
                _inference = new StreamInference(models, open, plan, Stream.Route, time ?? TimeProvider.System);
            }
            catch (Exception e) when (e is ArgumentException or FastAV.Live.Media.MediaException)
            {
                registry.Close(Stream);
                Stream = null;
                return LiveStatuses.Invalid("StreamOpen", $"the media tracks cannot be decoded: {e.Message}");
            }

            Stream.Engine = _inference.Engine;
            Stream.Inference = _inference;
        }

        output.Add(Accepted(Stream, resumed: false));
        if (open.StandingQuestions.Count > 0 && _inference is null)
        {
            Warn(Stream, WarningCode.NoModelLoaded, $"{open.StandingQuestions.Count} standing question(s) registered but not asked: no model loaded", 0, 0, output);
        }

        return Status.DefaultSuccess;
    }

    private Status HandleVideo(LiveStream stream, VideoFrame frame, long index, ICollection<StreamResponse> output)
    {
        var verdict = _media!.Check(frame);
        stream.Counters.AddVideo(frame.Data.Length, verdict, frame.PtsUs);
        if (!verdict.IsAccepted)
        {
            Warn(stream, verdict.Code, verdict.Message, frame.PtsUs, index, output);
        }
        else if (_inference is not null)
        {
            var dropped = _inference.AddVideo(frame, out var corrupt);
            Ingested(stream, corrupt, "VideoFrame: the decoder found the bitstream corrupt; waiting for the next keyframe", dropped, frame.PtsUs, index, output);
        }

        return Status.DefaultSuccess;
    }

    private Status HandleAudio(LiveStream stream, AudioChunk chunk, long index, ICollection<StreamResponse> output)
    {
        var verdict = _media!.Check(chunk);
        stream.Counters.AddAudio(chunk.Data.Length, verdict, chunk.PtsUs);
        if (!verdict.IsAccepted)
        {
            Warn(stream, verdict.Code, verdict.Message, chunk.PtsUs, index, output);
        }
        else if (_inference is not null)
        {
            var dropped = _inference.AddAudio(chunk, out var corrupt);
            Ingested(stream, corrupt, "AudioChunk: the decoder found corrupt audio frames in it; they are skipped", dropped, chunk.PtsUs, index, output);
        }

        return Status.DefaultSuccess;
    }

    private void Ingested(LiveStream stream, bool corrupt, string corruptMessage, int dropped, long ptsUs, long index, ICollection<StreamResponse> output)
    {
        if (corrupt)
        {
            stream.Counters.AddDecodeError();
            Warn(stream, WarningCode.DecodeError, corruptMessage, ptsUs, index, output);
        }

        if (dropped > 0)
        {
            Warn(stream, WarningCode.FramesDropped, $"{dropped} window(s) dropped: media arrives faster than the engine prefills it", ptsUs, index, output);
        }
    }

    private Status HandleQuestion(LiveStream stream, Question question, long index, ICollection<StreamResponse> output)
    {
        var status = _questions.Validate(question, "StreamRequest.question", idRequired: true);
        if (!status.IsOk())
        {
            return status;
        }

        stream.Counters.AddQuestion();
        if (_inference is null)
        {
            return LiveStatuses.NoModelLoaded;
        }

        var dropped = _inference.Ask(question, (int)(question.MaxTokens == 0 ? (uint)options.DefaultAnswerTokens : question.MaxTokens), new CallQuestionSink(stream.Route!));
        Ingested(stream, corrupt: false, "", dropped, 0, index, output);
        return Status.DefaultSuccess;
    }

    /// <summary>A question asked on the call itself: its answer is a StreamResponse (kept for a resume while detached), its failure a warning.</summary>
    private sealed class CallQuestionSink(ResponseRoute route) : IQuestionSink
    {
        public void Progress(string textSoFar, int tokenCount)
        {
        }

        public void Completed(Answer answer) => route.StandingAnswer(answer);

        public void Failed(Status status) =>
            route.Warning(WarningCode.AnswerFailed, $"question not answered: {status.StatusCode}: {status.Detail}", 0);
    }

    private Status HandleStandingQuestion(LiveStream stream, StandingQuestion question, long index, ICollection<StreamResponse> output)
    {
        const string field = "StreamRequest.standing_question";
        var status = _questions.Validate(question, field);
        if (!status.IsOk())
        {
            return status;
        }

        switch (stream.TryAddStandingQuestion(question, options.MaxStandingQuestions))
        {
            case StandingQuestionChange.DuplicateId:
                return LiveStatuses.Invalid(field + ".question_id", $"{IdentifierRules.Quote(question.QuestionId)} is already standing");
            case StandingQuestionChange.LimitReached:
                return LiveStatuses.Exhausted(field, $"the stream already has {options.MaxStandingQuestions} standing questions, the server's limit");
            default:
                if (_inference is null)
                {
                    Warn(stream, WarningCode.NoModelLoaded, $"standing question {IdentifierRules.Quote(question.QuestionId)} registered but not asked: no model loaded", 0, index, output);
                }
                else
                {
                    _inference.Engine.AddStandingQuestion(question);
                }

                return Status.DefaultSuccess;
        }
    }

    private Status HandleCancel(LiveStream stream, CancelStandingQuestion cancel, long index, ICollection<StreamResponse> output)
    {
        const string field = "StreamRequest.cancel_standing_question.question_id";
        var status = _questions.CheckId(cancel.QuestionId, field, idRequired: true);
        if (!status.IsOk())
        {
            return status;
        }

        if (stream.TryRemoveStandingQuestion(cancel.QuestionId) == StandingQuestionChange.UnknownId)
        {
            Warn(stream, WarningCode.UnknownQuestion, $"{field}: {IdentifierRules.Quote(cancel.QuestionId)} is not standing", 0, index, output);
        }
        else
        {
            _inference?.Engine.CancelStandingQuestion(cancel.QuestionId);
        }

        return Status.DefaultSuccess;
    }

    private Status HandleUnknown(LiveStream stream, long index, ICollection<StreamResponse> output)
    {
        stream.Counters.AddUnknownMessage();
        Warn(stream, WarningCode.UnknownMessage, "StreamRequest: no known kind is set (empty message, or a kind this server does not know); ignored", 0, index, output);
        return Status.DefaultSuccess;
    }

    private void Warn(LiveStream stream, WarningCode code, string message, long ptsUs, long index, ICollection<StreamResponse> output)
    {
        if (_warningsThisInterval >= options.MaxWarningsPerStatsInterval)
        {
            stream.Counters.AddSuppressedWarning();
            return;
        }

        _warningsThisInterval++;
        output.Add(new StreamResponse { Warning = new Warning { Code = code, Message = message, PtsUs = ptsUs, RequestIndex = (ulong)index } });
    }

    private StreamResponse StatsLocked(LiveStream stream, bool final)
    {
        _warningsThisInterval = 0;
        return new StreamResponse { Stats = StreamReports.Stats(stream, registry.UptimeMs(stream), final) };
    }

    private static string Describe(StreamRequest.KindOneofCase kind) => kind switch
    {
        StreamRequest.KindOneofCase.Video => "video",
        StreamRequest.KindOneofCase.Audio => "audio",
        StreamRequest.KindOneofCase.Question => "question",
        StreamRequest.KindOneofCase.StandingQuestion => "standing_question",
        StreamRequest.KindOneofCase.CancelStandingQuestion => "cancel_standing_question",
        _ => "an empty StreamRequest",
    };
}
