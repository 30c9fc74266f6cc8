using System.Diagnostics;
using FastAV.Live.Contracts.V1;
using FastAV.Live.Engine.Flops;
using FastAV.Live.Server.Streams;
using Microsoft.Extensions.Options;

namespace FastAV.Live.Server.Observability;

/// <summary>
/// The one hook the rest of the server calls where something happens — a stream opens or closes, a window is
/// prefilled or dropped, an answer completes, the engine steps, a warning goes out — and which fans it out to the
/// metrics (<see cref="LiveMetrics"/>), the dashboard's per-stream view (<see cref="StreamBoard"/>), spans
/// (<see cref="LiveTracing"/>) and answer log lines (<see cref="AnswerLog"/>). Engine-thread calls only record; none blocks.
/// </summary>
public sealed class LiveTelemetry(LiveMetrics metrics, StreamBoard board, TimeProvider time, IOptions<LogFormatOptions> logging, ILogger<LiveTelemetry> logger)
{
    private readonly bool _includeText = logging.Value.IncludeQuestionText;

    public LiveMetrics Metrics => metrics;

    public StreamBoard Board => board;

    /// <summary>A stream was registered (on its call, whose span becomes the parent of its windows and answers).</summary>
    public void StreamOpened(LiveStream stream)
    {
        board.Opened(stream, Activity.Current?.Context ?? default);
        metrics.StreamOpened();
    }

    public void StreamClosed(LiveStream stream)
    {
        board.Closed(stream);
        metrics.StreamClosed();
    }

    /// <summary>Engine thread: a window entered the stream's cache; <paramref name="readyTimestamp"/> is when it was complete (0: unknown).</summary>
    public void WindowPrefilled(string streamId, PruningPolicy policy, long windowIndex, FlopsReport flops, long kvBytes, long kvBudgetBytes, long readyTimestamp, long startPtsUs, long endPtsUs)
    {
        ArgumentNullException.ThrowIfNull(flops);
        // Tokens that went through each layer against the block's tokens at every layer: 1 unpruned.
        var layers = flops.TokensPerLayer;
        var tokensIn = layers.Count == 0 ? 0 : layers[0];
        double kept = layers.Sum(n => (double)n);
        double offered = (double)tokensIn * layers.Count;
        metrics.WindowPrefilled(LiveMetrics.PolicyLabel(policy), kept, offered, flops.Flops, flops.BaselineFlops);
        var now = time.GetUtcNow();
        var observation = board.Find(streamId);
        observation?.WindowPrefilled(now.ToUnixTimeMilliseconds(), kvBytes, kvBudgetBytes, kept, offered);
        if (observation is not null && readyTimestamp != 0)
        {
            LiveTracing.Window(observation.Trace, now - time.GetElapsedTime(readyTimestamp), now, streamId, windowIndex, startPtsUs, endPtsUs, tokensIn, offered == 0 ? 1 : kept / offered, flops.Ratio, kvBytes);
        }
    }

    public void WindowsDropped(long count)
    {
        if (count > 0)
        {
            metrics.WindowsDropped(count);
        }
    }

    /// <summary>
    /// Engine thread: an answer is complete. <paramref name="trace"/> is the asking call's span for an ad-hoc question
    /// (default: the stream's call); <paramref name="startTimestamp"/> when the question arrived or its window was complete.
    /// </summary>
    public void Answered(string streamId, Answer answer, string questionText, ActivityContext trace, long startTimestamp)
    {
        ArgumentNullException.ThrowIfNull(answer);
        var latencyMs = answer.LatencyUs / 1000.0;
        metrics.Answered(answer.LatencyUs / 1e6, answer.Standing ? null : answer.FirstTokenLatencyUs / 1e6);
        var now = time.GetUtcNow();
        var observation = board.Find(streamId);
        observation?.Answered(new AnswerRecord(
            answer.QuestionId,
            answer.Text,
            answer.Standing,
            answer.TokenCount,
            latencyMs,
            answer.Standing ? null : answer.FirstTokenLatencyUs / 1000.0,
            answer.Span?.StartPtsUs ?? -1,
            answer.Span?.EndPtsUs ?? -1,
            now.ToUnixTimeMilliseconds()));
        var parent = trace != default ? trace : observation?.Trace ?? default;
        if (startTimestamp != 0)
        {
            LiveTracing.Answer(parent, now - time.GetElapsedTime(startTimestamp), now, streamId, answer);
        }

        if (_includeText)
        {
            AnswerLog.AnsweredWithText(logger, answer.QuestionId, streamId, questionText, answer.Text, answer.TokenCount, latencyMs);
        }
        else
        {
            AnswerLog.Answered(logger, answer.QuestionId, streamId, answer.TokenCount, latencyMs, answer.Standing);
        }
    }

    /// <summary>Engine thread: an ad-hoc answer grew by <paramref name="tokens"/> tokens, <paramref name="seconds"/> after its previous token.</summary>
    public void TokensGenerated(int tokens, double seconds)
    {
        for (var i = 0; i < tokens; i++)
        {
            metrics.InterToken(seconds / tokens);
        }
    }

    /// <summary>Engine thread, after each step: its duration (null for a step without work), work it ran, work still waiting.</summary>
    public void EngineStepped(double? seconds, int running, int waiting) => metrics.EngineStepped(seconds, running, waiting);

    /// <summary>A warning went out on a Stream call.</summary>
    public void WarningSent(WarningCode code) => metrics.WarningSent(code);
}
