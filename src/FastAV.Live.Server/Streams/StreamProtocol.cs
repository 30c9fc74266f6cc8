using FastAV.Live.Contracts.V1;
using FastAV.Live.Grpc;

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
/// warning: they ask nothing immediately.
/// </remarks>
public sealed class StreamProtocol(StreamRegistry registry, LiveAnalyticsOptions options, string peer)
{
    private readonly Lock _gate = new();
    private readonly StreamOpenValidator _openValidator = new(options);
    private readonly QuestionValidator _questions = new(options);
    private MediaValidator? _media;
    private long _requestIndex = -1;
    private int _warningsThisInterval;
    private bool _closed;

    /// <summary>The registered stream once StreamOpen was accepted.</summary>
    public LiveStream? Stream { get; private set; }

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
                StreamRequest.KindOneofCase.Question => HandleQuestion(stream, request.Question),
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
        lock (_gate)
        {
            if (!_closed && Stream is not null)
            {
                registry.Close(Stream);
            }

            _closed = true;
        }
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
            // No session is ever detached yet, so no token can be valid.
            return LiveStatuses.NotFound("StreamOpen.resume_token", "unknown or expired (no detached stream to resume); open without it");
        }

        status = registry.TryOpen(open, peer, out var stream);
        if (!status.IsOk())
        {
            return status;
        }

        Stream = stream!;
        Stream.Counters.AddRequest();
        _media = new MediaValidator(options, open.Video, open.Audio);
        output.Add(new StreamResponse
        {
            Accepted = new StreamAccepted
            {
                StreamId = Stream.Id,
                Model = "",
                ModelLoaded = false,
                ResumeToken = "",
                Pruning = Stream.Settings.Pruning.Clone(),
                KvCache = Stream.Settings.KvCache.Clone(),
                WindowMs = Stream.Settings.WindowMs,
                StatsIntervalMs = (uint)options.StatsInterval.TotalMilliseconds,
                StatsEveryMessages = (uint)options.StatsEveryMessages,
            },
        });
        if (open.StandingQuestions.Count > 0)
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

        return Status.DefaultSuccess;
    }

    private Status HandleQuestion(LiveStream stream, Question question)
    {
        var status = _questions.Validate(question, "StreamRequest.question", idRequired: true);
        if (!status.IsOk())
        {
            return status;
        }

        stream.Counters.AddQuestion();
        return LiveStatuses.NoModelLoaded;
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
                Warn(stream, WarningCode.NoModelLoaded, $"standing question {IdentifierRules.Quote(question.QuestionId)} registered but not asked: no model loaded", 0, index, output);
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
