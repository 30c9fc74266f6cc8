using System.Diagnostics;
using Grpc.Core;
using Contract = FastAV.Live.Contracts.V1;

namespace FastAV.Live.LoadTests.Streaming;

/// <summary>
/// One camera: a Stream call that opens with the clip's tracks and standing questions, then sends the clip (looped)
/// one window at a time in real time, while a reader takes every response: standing answers are timed from their
/// window's close (<see cref="WindowClock"/>), stats and warnings go to the stream's <see cref="StreamTracker"/>.
/// Closing half-closes and waits for the final StreamStats, so askings due by the media sent but never answered
/// count as missing. One writer: the copy that owns it.
/// </summary>
internal sealed class CameraStream : IAsyncDisposable
{
    private readonly Contract.LiveAnalytics.LiveAnalyticsClient _client;
    private readonly MediaClip _clip;
    private readonly CameraSettings _settings;
    private readonly StreamingMetrics _metrics;
    private readonly Action<Response>? _onStandingAnswer;
    private readonly LiveStreamDirectory? _directory;
    private readonly CancellationTokenSource _cts;
    private readonly TaskCompletionSource<Contract.StreamAccepted> _accepted = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Dictionary<string, long> _intervals = new(StringComparer.Ordinal);
    private readonly WindowClock _clock;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<Contract.WarningCode, int> _warnings = new();
    private AsyncDuplexStreamingCall<Contract.StreamRequest, Contract.StreamResponse>? _call;
    private Task _reader = Task.CompletedTask;
    private StreamTracker? _tracker;
    private long _t0;
    private int _cursor;
    private long _loop;
    private long _windowUs = 1_000_000;
    private long _windowIndex;
    private bool _finalStats;
    private bool _closed;
    private string _outcome = "live";

    public CameraStream(
        Contract.LiveAnalytics.LiveAnalyticsClient client,
        MediaClip clip,
        CameraSettings settings,
        StreamingMetrics metrics,
        string streamId,
        Action<Response>? onStandingAnswer,
        LiveStreamDirectory? directory,
        CancellationToken cancelled)
    {
        _client = client;
        _clip = clip;
        _settings = settings;
        _metrics = metrics;
        StreamId = streamId;
        _onStandingAnswer = onStandingAnswer;
        _directory = directory;
        _cts = CancellationTokenSource.CreateLinkedTokenSource(cancelled);
        _clock = new WindowClock(clip.Video is not null, clip.Audio is not null);
    }

    public string StreamId { get; }

    /// <summary>True once accepted and until the call ended or was closed.</summary>
    public bool IsLive => _accepted.Task.IsCompletedSuccessfully && !_reader.IsCompleted && !_closed;

    /// <summary>The resume token StreamAccepted gave (empty when the server keeps no detached streams).</summary>
    public string ResumeToken => _accepted.Task.IsCompletedSuccessfully ? _accepted.Task.Result.ResumeToken : "";

    public long MediaSentUs => _clock.CoveredUs;

    /// <summary>The model serving the stream, as StreamAccepted named it (empty before it, or when the server has none).</summary>
    public string Model => _accepted.Task.IsCompletedSuccessfully ? _accepted.Task.Result.Model : "";

    /// <summary>Opens the call and waits for StreamAccepted; a refusal throws the server's RpcException, a silent server a TimeoutException.</summary>
    public async Task<Response> OpenAsync(string resumeToken = "", int questionOffset = 0)
    {
        var open = new Contract.StreamOpen
        {
            StreamId = StreamId,
            Pruning = new Contract.PruningConfig { Policy = _settings.Policy },
            Video = _clip.Video,
            Audio = _clip.Audio,
            ResumeToken = resumeToken,
        };
        open.Labels.Add("load", "fastav-load");
        for (var i = 0; i < _settings.StandingQuestions; i++)
        {
            var q = _clip.Questions[(questionOffset + i) % _clip.Questions.Count];
            var id = $"q{i}";
            open.StandingQuestions.Add(new Contract.StandingQuestion { QuestionId = id, Text = q.Text, IntervalMs = (uint)_settings.IntervalMs, MaxTokens = (uint)_settings.MaxTokens });
            _intervals[id] = _settings.IntervalMs * 1000L;
        }

        var headers = new Metadata { { "x-fastav-stream-id", StreamId } };
        _call = _client.Stream(headers, cancellationToken: _cts.Token);
        _reader = Task.Run(ReadAsync);
        try
        {
            await _call.RequestStream.WriteAsync(new Contract.StreamRequest { Open = open }, _cts.Token).ConfigureAwait(false);
            var accepted = await _accepted.Task.WaitAsync(_settings.OpenTimeout, _cts.Token).ConfigureAwait(false);
            _windowUs = accepted.WindowMs > 0 ? accepted.WindowMs * 1000L : 1_000_000;
            _t0 = Stopwatch.GetTimestamp();
            return Response.Ok(sizeBytes: open.CalculateSize() + accepted.CalculateSize());
        }
        catch (Exception e) when (e is not OperationCanceledException || !_cts.IsCancellationRequested)
        {
            _metrics.RecordFailedOpen();
            _closed = true;
            await _cts.CancelAsync().ConfigureAwait(false);
            await _reader.ConfigureAwait(false);
            // The reader's status says more than a write that failed because of it.
            if (_accepted.Task.IsFaulted && _accepted.Task.Exception!.InnerException is RpcException rpc) throw rpc;
            throw;
        }
    }

    /// <summary>Sends the next window of media (in real time unless configured otherwise); the response's size is the payload sent.</summary>
    public async Task<Response> SendWindowAsync(CancellationToken cancellationToken)
    {
        if (_call is null || !IsLive) return Response.Fail(StatusCodes.ClientException, $"stream {StreamId} is not live ({_outcome})");
        var windowEnd = (_windowIndex + 1) * _windowUs;
        long bytes = 0;
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _cts.Token);
        while (true)
        {
            var p = _clip.Packets[_cursor];
            var offset = _loop * _clip.DurationUs;
            var pts = p.PtsUs + offset;
            if (pts >= windowEnd) break;
            if (_settings.RealTime)
            {
                // A camera has a frame at its pts, but an audio chunk only once all of it was recorded: at its end.
                var ready = p.IsVideo ? pts : p.EndUs + offset;
                TimeSpan due;
                while ((due = TimeSpan.FromMicroseconds(ready / _settings.Speed) - Stopwatch.GetElapsedTime(_t0)) > TimeSpan.Zero)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(Math.Ceiling(due.TotalMilliseconds)), linked.Token).ConfigureAwait(false);
                }
            }

            var request = p.Request.Clone();
            if (p.IsVideo) request.Video.PtsUs = pts;
            else request.Audio.PtsUs = pts;
            await _call.RequestStream.WriteAsync(request, linked.Token).ConfigureAwait(false);
            _clock.Sent(p.IsVideo, p.EndUs + offset, Stopwatch.GetTimestamp());
            bytes += p.PayloadBytes;
            if (++_cursor == _clip.Packets.Count)
            {
                _cursor = 0;
                _loop++;
            }
        }

        if (_windowIndex++ == 0) _directory?.Add(StreamId);
        return Response.Ok(sizeBytes: bytes);
    }

    /// <summary>Sends one request as it is (hostile scenarios); returns false when the call has already ended.</summary>
    public async Task<bool> SendRawAsync(Contract.StreamRequest request, CancellationToken cancellationToken)
    {
        if (_call is null || !IsLive) return false;
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _cts.Token);
        try
        {
            await _call.RequestStream.WriteAsync(request, linked.Token).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (e is RpcException or InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>
    /// Ends the stream: gracefully (half-close, wait for the final stats and the status) or abruptly (cancel the
    /// call, as a camera losing its network). Returns the step's response: ok when the call ended OK with final stats.
    /// </summary>
    public async Task<Response> CloseAsync(bool graceful)
    {
        if (_closed) return Response.Ok(message: "already closed");
        _closed = true;
        _directory?.Remove(StreamId);
        if (_call is null) return Response.Ok();
        if (graceful && !_reader.IsCompleted)
        {
            try
            {
                await _call.RequestStream.CompleteAsync().ConfigureAwait(false);
                await _reader.WaitAsync(_settings.CloseTimeout).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                _outcome = StatusCodes.Timeout;
            }
            catch (Exception e) when (e is RpcException or InvalidOperationException)
            {
                // The call had already ended; the reader holds its status.
            }
        }

        await _cts.CancelAsync().ConfigureAwait(false);
        await _reader.ConfigureAwait(false);
        if (!graceful) _outcome = _outcome == "live" || _outcome == "OK" ? "cancelled" : _outcome;
        _tracker?.Close(_outcome, _metrics.Elapsed, _clock.CoveredUs, _intervals, countMissing: graceful && _finalStats && _outcome == "OK");
        return !graceful || (_outcome == "OK" && _finalStats)
            ? Response.Ok()
            : Response.Fail(_outcome == "OK" ? StatusCodes.ClientException : _outcome, _finalStats ? $"stream ended {_outcome}" : "stream ended without its final StreamStats");
    }

    /// <summary>Warnings this stream received, by code.</summary>
    public IReadOnlyDictionary<Contract.WarningCode, int> Warnings => _warnings;

    /// <summary>The last StreamStats this stream received (null before the first).</summary>
    public Contract.StreamStats? LastStats => _tracker?.LastStats;

    /// <summary>How the call ended so far ("live" while it runs).</summary>
    public string Outcome => _outcome;

    public async ValueTask DisposeAsync()
    {
        if (!_closed) await CloseAsync(graceful: true).ConfigureAwait(false);
        _call?.Dispose();
        _cts.Dispose();
    }

    private async Task ReadAsync()
    {
        try
        {
            while (await _call!.ResponseStream.MoveNext(_cts.Token).ConfigureAwait(false))
            {
                var r = _call.ResponseStream.Current;
                switch (r.KindCase)
                {
                    case Contract.StreamResponse.KindOneofCase.Accepted:
                        _tracker = _metrics.Register(StreamId, StatusCodes.UpperSnake(_settings.Policy.ToString()));
                        _accepted.TrySetResult(r.Accepted);
                        break;
                    case Contract.StreamResponse.KindOneofCase.Answer when r.Answer.Standing:
                        var closed = _clock.ClosedAt(r.Answer.Span?.EndPtsUs ?? 0) ?? Stopwatch.GetTimestamp();
                        var latency = WindowClock.MillisecondsSince(closed);
                        _tracker?.StandingAnswer(r.Answer, latency);
                        _onStandingAnswer?.Invoke(Response.Ok(sizeBytes: r.CalculateSize(), latencyMs: latency));
                        break;
                    case Contract.StreamResponse.KindOneofCase.Stats:
                        _tracker?.Stats(r.Stats);
                        if (r.Stats.Final) _finalStats = true;
                        break;
                    case Contract.StreamResponse.KindOneofCase.Warning:
                        _warnings.AddOrUpdate(r.Warning.Code, 1, (_, n) => n + 1);
                        _tracker?.Warning(r.Warning.Code);
                        break;
                }
            }

            _outcome = "OK";
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.Cancelled && _cts.IsCancellationRequested)
        {
            _outcome = "cancelled";
        }
        catch (RpcException e)
        {
            _outcome = StatusCodes.FromGrpc(e.StatusCode);
            _accepted.TrySetException(e);
        }
        catch (OperationCanceledException)
        {
            _outcome = "cancelled";
        }
        finally
        {
            _accepted.TrySetException(new RpcException(new Status(StatusCode.Unavailable, $"stream {StreamId} ended ({_outcome}) before StreamAccepted")));
        }
    }
}
