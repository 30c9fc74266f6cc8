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
/// warned about, never fatal; a pts jump or reset beyond the gap bound re-bases its track (a counted
/// discontinuity with a warning). A question that cannot be asked (malformed, or before any media) gets a
/// failed Answer and a QUESTION_REJECTED warning: the camera's stream goes on. A question ends the call with
/// FAILED_PRECONDITION "no model loaded" while the server has no engine: no question can ever be answered
/// there, and a bidi call carries one status. Standing questions only draw a NO_MODEL_LOADED warning: they
/// ask nothing immediately. With a model, accepted media goes through the stream's
/// <see cref="StreamInference"/>; answers and engine warnings come back on the engine thread through
/// <see cref="Push"/>. Opening, closing and warnings are logged (<see cref="StreamLog"/>).
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
    private string _endReason = "client disconnected";
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

        lock (_gate)
        {
            _endReason = "completed";
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
            Send(Stream, answer);
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
                var opened = request.KindCase == StreamRequest.KindOneofCase.Open
                    ? HandleOpen(request.Open, output)
                    : LiveStatuses.Invalid("StreamRequest", $"the first message must be StreamOpen, got {Describe(request.KindCase)}");
                if (!opened.IsOk())
                {
                    StreamLog.Refused(registry.Logger, request.Open?.StreamId ?? "", peer, opened.StatusCode.ToString(), opened.Detail);
                }

                return opened;
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

            if (!status.IsOk())
            {
                _endReason = $"{status.StatusCode}: {status.Detail}";
            }

            return status;
        }
    }

    /// <summary>The call ends with <paramref name="status"/> for a reason outside the protocol (a request the server could not read); the close line says so.</summary>
    public void Ended(Status status)
    {
        lock (_gate)
        {
            _endReason = $"{status.StatusCode}: {status.Detail}";
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
                    LogClosed(Stream);
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

        if (registry.Find(new StreamKey(Owner.Name, open.StreamId)) is { State: StreamState.Detached } stale)
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

        status = CheckOpenQuotas(open);
        if (!status.IsOk())
        {
            return status;
        }

        status = registry.TryOpen(open, Owner, peer, out var stream);
        if (!status.IsOk())
        {
            return status;
        }

        Stream = stream!;
        Stream.Counters.AddRequest();
        _media = new MediaValidator(options, open.Video, open.Audio, Stream.Settings.WindowMs * 1000L);
        Stream.Media = _media;
        Stream.Route = new ResponseRoute(Stream.Counters, Math.Min(options.MaxDetachedAnswers, options.ResponseQueueCapacity - 1));
        Stream.Route.Attach(this);
        Stream.ResumeToken = detached is { Enabled: true } ? DetachedStreams.NewToken() : "";
        if (plan is not null)
        {
            Stream.Model = models!.Name;
            Stream.ModelDomain = models.Domain;
            if (plan.EffectiveKvCache is { } kv)
            {
                // What the engine applies (the model's budget, its sinks), not the server-wide defaults.
                Stream.Settings.KvCache.MaxTokensPerLayer = kv.MaxTokensPerLayer;
                Stream.Settings.KvCache.SinkTokens = kv.SinkTokens;
                Stream.Settings.KvCache.RecentTokens = kv.RecentTokens;
            }

            Stream.FramesPerWindow = models.Model!.FramesPerWindow;
            plan = models.Faults?.Apply(models.Model, open.StreamId, plan) ?? plan;
            try
            {
                _inference = new StreamInference(models, open, plan, Stream.Route, time ?? TimeProvider.System, Stream.Key.QualifiedId);
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
        StreamLog.Opened(registry.Logger, Stream.Id, peer, Describe(open.Video), Describe(open.Audio), Stream.Model.Length > 0 ? Stream.Model : "none (ingest only)",
            Stream.Settings.Pruning.Policy, Stream.Settings.KvCache.Eviction, Stream.Settings.KvCache.MaxTokensPerLayer, Stream.Settings.WindowMs, open.StandingQuestions.Count);
        if (open.StandingQuestions.Count > 0 && _inference is null)
        {
            Warn(Stream, WarningCode.NoModelLoaded, $"{open.StandingQuestions.Count} standing question(s) registered but not asked: no model loaded", 0, 0, output);
        }

        return Status.DefaultSuccess;
    }

    private Status HandleVideo(LiveStream stream, VideoFrame frame, long index, ICollection<StreamResponse> output)
    {
        if (ChargeMedia(stream, frame.Data.Length, "VideoFrame") is { StatusCode: not StatusCode.OK } refused)
        {
            return refused;
        }

        var verdict = _media!.Check(frame);
        stream.Counters.AddVideo(frame.Data.Length, verdict, verdict.TimelinePtsUs);
        if (!verdict.IsAccepted)
        {
            Warn(stream, verdict.Code, verdict.Message, frame.PtsUs, index, output);
            return Status.DefaultSuccess;
        }

        Discontinuity(stream, "VideoFrame.pts_us", frame.PtsUs, verdict, index, output);
        if (_inference is not null)
        {
            var dropped = _inference.AddVideo(frame, verdict.TimelinePtsUs, out var corrupt);
            Ingested(stream, corrupt, "VideoFrame: the decoder found the bitstream corrupt; waiting for the next keyframe", dropped, frame.PtsUs, index, output);
        }

        return Status.DefaultSuccess;
    }

    private Status HandleAudio(LiveStream stream, AudioChunk chunk, long index, ICollection<StreamResponse> output)
    {
        if (ChargeMedia(stream, chunk.Data.Length, "AudioChunk") is { StatusCode: not StatusCode.OK } refused)
        {
            return refused;
        }

        var verdict = _media!.Check(chunk);
        stream.Counters.AddAudio(chunk.Data.Length, verdict, verdict.TimelinePtsUs);
        if (!verdict.IsAccepted)
        {
            Warn(stream, verdict.Code, verdict.Message, chunk.PtsUs, index, output);
            return Status.DefaultSuccess;
        }

        Discontinuity(stream, "AudioChunk.pts_us", chunk.PtsUs, verdict, index, output);
        if (_inference is not null)
        {
            var dropped = _inference.AddAudio(chunk, verdict.TimelinePtsUs, out var corrupt);
            Ingested(stream, corrupt, "AudioChunk: the decoder found corrupt audio frames in it; they are skipped", dropped, chunk.PtsUs, index, output);
        }

        return Status.DefaultSuccess;
    }

    // A clock jump or reset re-based the track: counted, warned about with the jump and the shift answers' spans now use.
    private void Discontinuity(LiveStream stream, string field, long ptsUs, MediaVerdict verdict, long index, ICollection<StreamResponse> output)
    {
        if (verdict.JumpUs == 0) return;
        stream.Counters.AddDiscontinuity();
        var what = verdict.JumpUs > 0 ? $"jumped forward {verdict.JumpUs} µs" : $"went back {-verdict.JumpUs} µs (a clock reset)";
        Warn(stream, WarningCode.PtsDiscontinuity,
            $"{field}: {what}, beyond the {options.MaxPtsGapWindows:0.##}-window gap bound: a discontinuity, no windows are made for the gap; "
            + $"the track continues at timeline pts {verdict.TimelinePtsUs} (its pts shifted by {verdict.ShiftUs} µs from here on, as answers' spans and stats show them)",
            ptsUs, index, output);
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
        StreamLog.Warning(registry.Logger, stream.Id, code, message);
    }

    private void LogClosed(LiveStream stream)
    {
        var c = stream.Counters;
        StreamLog.Closed(registry.Logger, stream.Id, _endReason, registry.UptimeMs(stream) / 1000.0, stream.Peer, c.MediaDurationUs / 1e6,
            c.VideoFramesAccepted, c.VideoFramesRejected, c.AudioChunksAccepted, c.AudioChunksRejected,
            (ulong)(stream.Engine?.WindowsPrefilled ?? 0), (ulong)(stream.Engine?.WindowsDropped ?? 0), c.AnswersSent, c.AnswersDropped, c.PtsDiscontinuities, c.DecodeErrors);
    }

    private static string Describe(VideoFormat? video) => video is null ? "none" : $"{video.Codec} {video.Width}x{video.Height}";

    private static string Describe(AudioFormat? audio) => audio is null ? "none" : $"{audio.Codec} {audio.SampleRateHz} Hz x{audio.Channels}";

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
