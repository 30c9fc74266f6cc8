using FastAV.Live.Engine;
using Contract = FastAV.Live.Contracts.V1;

namespace FastAV.Live.Server.Inference;

/// <summary>Turning one engine step's results into contract answers, progress, counters and warnings.</summary>
public sealed partial class EngineLoop
{
    private void Deliver(EngineStep step)
    {
        foreach (var (streamId, windowIndex, result) in step.Prefills)
        {
            if (!_streams.TryGetValue(streamId, out var stream)) continue;
            if (stream.Windows.Remove(windowIndex, out var entry))
            {
                _windowInputs.Remove(entry.Window);
                stream.LastPrefilledEndUs = entry.Input.EndPtsUs;
                stream.LastPrefilledIndex = windowIndex;
                stream.RecentWindows[windowIndex] = entry.Input;
                foreach (var old in stream.RecentWindows.Keys.Where(k => k <= windowIndex - 64).ToList()) stream.RecentWindows.Remove(old);
            }

            var cache = _engine.Stream(streamId).Cache;
            stream.CountPrefill(cache.TotalBytes, TokenCount(cache));
            ObservePrefill(stream, windowIndex, result, cache);
            stream.WindowFlops += result.Flops.Flops;
            stream.WindowFlopsUnpruned += result.Flops.BaselineFlops;
        }

        foreach (var w in step.Batch.WindowPrefills) _windowInputs.Remove(w.Window);
        foreach (var answer in step.Answers) Guard(answer.QuestionId, () => Complete(answer));
        foreach (var (id, message) in step.Failures) Fail(id, message);
        foreach (var stream in _streams.Values)
        {
            ForgetTakenWindows(stream);
            ReportDrops(stream);
            ReportProgress(stream);
            stream.SignalIfIdle(_engine.QuestionsInFlight(stream.Id) > 0);
        }
    }

    private void Complete(CompletedAnswer completed)
    {
        if (!_streams.TryGetValue(completed.StreamId, out var stream)) return;
        var tokens = completed.Result.Tokens;
        var stopped = tokens.Length > 0 && tokens[^1] == _endOfSequence;
        var text = Decode(tokens);
        var now = _time.GetTimestamp();
        var cache = _engine.Stream(stream.Id).Cache;
        var (confidence, lowest) = Confidence(completed.Result.TokenProbabilities);
        var answer = new Contract.Answer
        {
            Text = text,
            TokenCount = (uint)tokens.Length,
            FinishReason = stopped ? Contract.FinishReason.Stop : Contract.FinishReason.Length,
            Pruning = Report(stream, completed, cache),
            Confidence = confidence,
            MinTokenProbability = lowest,
        };
        if (StandingId(completed.QuestionId) is { } standingId)
        {
            var at = completed.QuestionId.LastIndexOf('@');
            if (!stream.Standing.TryGetValue(standingId, out var standing)) return; // cancelled meanwhile
            if (standing.Question.OnlyOnChange && standing.LastText == text) return;
            standing.LastText = text;
            var windowIndex = long.Parse(completed.QuestionId[(at + 1)..], System.Globalization.CultureInfo.InvariantCulture);
            stream.RecentWindows.TryGetValue(windowIndex, out var window);
            answer.QuestionId = standingId;
            answer.Standing = true;
            var end = window?.EndPtsUs ?? stream.LastPrefilledEndUs;
            answer.Span = new Contract.MediaSpan { StartPtsUs = SpanStart(stream), EndPtsUs = end };
            answer.StreamSpan = new Contract.MediaSpan { StartPtsUs = stream.FirstPtsUs, EndPtsUs = end };
            answer.LatencyUs = window is null ? 0 : Microseconds(window.ReadyTimestamp, now);
            answer.Uncertain = standing.Question.MinConfidence > 0 && confidence < standing.Question.MinConfidence;
            ObserveAnswer(stream, answer, standing.Question.Text, default, window?.ReadyTimestamp ?? 0);
            stream.Sink.StandingAnswer(answer);
            return;
        }

        if (!stream.Questions.Remove(completed.QuestionId, out var question)) return;
        answer.QuestionId = question.QuestionId;
        answer.Span = new Contract.MediaSpan { StartPtsUs = question.SpanStartUs, EndPtsUs = question.SpanEndUs };
        answer.StreamSpan = new Contract.MediaSpan { StartPtsUs = stream.FirstPtsUs, EndPtsUs = question.SpanEndUs };
        answer.LatencyUs = Microseconds(question.ReceivedTimestamp, now);
        answer.FirstTokenLatencyUs = Microseconds(question.ReceivedTimestamp, question.FirstTokenTimestamp == 0 ? now : question.FirstTokenTimestamp);
        ObserveAnswer(stream, answer, question.Text, question.Trace, question.ReceivedTimestamp);
        question.Sink.Completed(answer);
    }

    private Contract.PruningReport Report(EngineStream stream, CompletedAnswer completed, Engine.Cache.RollingKvCache cache)
    {
        var q = completed.Result.QuestionFlops;
        var d = completed.Result.DecodeFlops;
        var flops = q.Flops + d.Flops;
        var baseline = q.BaselineFlops + d.BaselineFlops;
        var report = new Contract.PruningReport
        {
            Policy = stream.Plan.Policy,
            Flops = flops,
            FlopsUnpruned = baseline,
            FlopsRatio = baseline == 0 ? 1 : flops / baseline,
            InputTokens = (uint)Math.Max(0, q.TokensPerLayer.Count > 0 ? q.TokensPerLayer[0] : 0),
            KvBytes = (ulong)cache.TotalBytes,
            KvTokens = (ulong)TokenCount(cache),
            StreamFlops = stream.WindowFlops,
            StreamFlopsUnpruned = stream.WindowFlopsUnpruned,
        };
        for (var l = 0; l < cache.LayerCount; l++) report.TokensKeptPerLayer.Add((uint)cache.Layer(l).Count);
        return report;
    }

    private void Fail(string id, string message)
    {
        foreach (var stream in _streams.Values)
        {
            if (stream.Questions.Remove(id, out var question))
            {
                question.Sink.Failed(EngineStatuses.Failed(message));
                return;
            }
        }

        // A window or a standing question failed: the stream's own work is broken, so the stream ends alone (its
        // cache is freed now; the call ends with the status after its final StreamStats); every other stream goes on.
        var standing = StandingId(id);
        var streamId = standing is null ? id : id[..id.LastIndexOf('/')];
        if (_streams.TryGetValue(streamId, out var owner))
        {
            var status = EngineStatuses.StreamFailed(owner.Id, standing is null ? "a window" : "standing question " + standing, message);
            LogStreamFailed(_logger, owner.Id, status.StatusCode, message);
            Remove(owner);
            owner.Sink.Failed(status);
        }
    }

    // "{stream}/{question}@{window}" (LiveEngine.StandingAnswerId) → the question id; null for other ids. The stream may
    // be "tenant/id" (StreamKey.QualifiedId): the question is what follows the last '/' (no identifier holds '/' or '@').
    private static string? StandingId(string engineId)
    {
        if (engineId.StartsWith("q/", StringComparison.Ordinal)) return null;
        var at = engineId.LastIndexOf('@');
        var slash = at > 0 ? engineId.LastIndexOf('/', at) : -1;
        return slash > 0 && at > slash ? engineId[(slash + 1)..at] : null;
    }

    // Every window before the first one still waiting was prefilled, dropped by the scheduler, or failed: its input goes.
    private void ForgetTakenWindows(EngineStream stream)
    {
        var cutoff = stream.Session.TryPeekPending(out var next) ? next.Index : stream.Session.WindowCount;
        foreach (var index in stream.Windows.Keys.Where(k => k < cutoff).ToList())
        {
            _windowInputs.Remove(stream.Windows[index].Window);
            stream.Windows.Remove(index);
        }
    }

    private static void ReportDrops(EngineStream stream)
    {
        var dropped = stream.Session.DroppedWindowCount;
        if (dropped == stream.DroppedSeen) return;

        var delta = dropped - stream.DroppedSeen;
        stream.DroppedSeen = dropped;
        stream.CountDropped(delta);
        stream.Sink.Warning(Contract.WarningCode.FramesDropped, $"{delta} window(s) dropped: the stream is more than its backlog limit behind real time", stream.LastPrefilledEndUs);
    }

    private void ReportProgress(EngineStream stream)
    {
        foreach (var question in stream.Questions.Values)
        {
            var tokens = _engine.TokensSoFar(question.EngineId);
            if (tokens is null || tokens.Count <= question.TokensReported) continue;
            if (question.FirstTokenTimestamp == 0) question.FirstTokenTimestamp = _time.GetTimestamp();
            ObserveTokens(question, tokens.Count - question.TokensReported);
            question.TokensReported = tokens.Count;
            question.Sink.Progress(Decode(tokens, trim: false), tokens.Count, Confidence(_engine.ProbabilitiesSoFar(question.EngineId) ?? []).Mean);
        }
    }

    private string Decode(IReadOnlyList<long> tokens, bool trim = true)
    {
        var ids = new List<int>(tokens.Count);
        foreach (var t in tokens)
        {
            if (t == _endOfSequence || Array.IndexOf(Model.Prompt.Stop, (int)t) >= 0) break;
            ids.Add((int)t);
        }

        var text = Model.Tokenizer.Decode(ids.ToArray(), skipSpecialTokens: true);
        return trim ? text.Trim() : text;
    }

    // An answer's confidence: the geometric mean of its tokens' probabilities (exp of the mean log-probability), and the smallest.
    private static (float Mean, float Min) Confidence(IReadOnlyList<float> probabilities)
    {
        if (probabilities.Count == 0) return (0, 0);
        var logSum = 0.0;
        var min = 1f;
        foreach (var p in probabilities)
        {
            logSum += Math.Log(Math.Max(p, float.Epsilon));
            min = Math.Min(min, p);
        }

        return ((float)Math.Exp(logSum / probabilities.Count), min);
    }

    private static long TokenCount(Engine.Cache.RollingKvCache cache)
    {
        long n = 0;
        for (var l = 0; l < cache.LayerCount; l++) n += cache.Layer(l).Count;
        return n;
    }

    [Microsoft.Extensions.Logging.LoggerMessage(Level = Microsoft.Extensions.Logging.LogLevel.Warning, Message = "stream {StreamId} failed in the engine ({Code}): {Reason}")]
    private static partial void LogStreamFailed(Microsoft.Extensions.Logging.ILogger logger, string streamId, Grpc.Core.StatusCode code, string reason);

    private long Microseconds(long from, long to) => (long)_time.GetElapsedTime(from, to).TotalMicroseconds;
}
