using System.Diagnostics;

namespace FastAV.Live.Server.Observability;

/// <summary>
/// The server's spans (OpenTelemetry tracing, exported by OTLP when OpenTelemetry:Endpoint is set). A gRPC call is
/// ASP.NET Core's request span (its traceparent honoured), named and tagged as an RPC by the call interceptor; inside
/// a Stream call, each prefilled window and each answer is a child span here — from the moment the window was complete
/// or the question arrived to when the engine finished it. Spans carry ids and numbers, never media or question text.
/// </summary>
public static class LiveTracing
{
    public const string SourceName = "FastAV.Live";

    public static ActivitySource Source { get; } = new(SourceName);

    /// <summary>Names a request span that the call interceptor marked as gRPC after its method, "service/method" (OpenTelemetry's RPC span name).</summary>
    public static void NameRpcSpan(Activity activity)
    {
        ArgumentNullException.ThrowIfNull(activity);
        if (activity.GetTagItem("rpc.service") is string service && activity.GetTagItem("rpc.method") is string method)
        {
            activity.DisplayName = service + "/" + method;
        }
    }

    public static void Window(ActivityContext parent, DateTimeOffset start, DateTimeOffset end, string streamId, long windowIndex, long startPtsUs, long endPtsUs, int tokensIn, double tokensKeptRatio, double flopsRatio, long kvBytes)
    {
        if (!Source.HasListeners())
        {
            return;
        }

        using var span = Source.StartActivity("fastav.window", ActivityKind.Internal, parent, startTime: start);
        if (span is null)
        {
            return;
        }

        span.SetTag("fastav.stream.id", streamId);
        span.SetTag("fastav.window.index", windowIndex);
        span.SetTag("fastav.window.start_pts_us", startPtsUs);
        span.SetTag("fastav.window.end_pts_us", endPtsUs);
        span.SetTag("fastav.window.tokens", tokensIn);
        span.SetTag("fastav.window.tokens_kept_ratio", tokensKeptRatio);
        span.SetTag("fastav.window.flops_ratio", flopsRatio);
        span.SetTag("fastav.kv_cache.bytes", kvBytes);
        span.SetEndTime(end.UtcDateTime);
    }

    public static void Answer(ActivityContext parent, DateTimeOffset start, DateTimeOffset end, string streamId, Contracts.V1.Answer answer)
    {
        if (!Source.HasListeners())
        {
            return;
        }

        using var span = Source.StartActivity("fastav.answer", ActivityKind.Internal, parent, startTime: start);
        if (span is null)
        {
            return;
        }

        span.SetTag("fastav.stream.id", streamId);
        span.SetTag("fastav.question.id", answer.QuestionId);
        span.SetTag("fastav.answer.standing", answer.Standing);
        span.SetTag("fastav.answer.tokens", (long)answer.TokenCount);
        span.SetTag("fastav.answer.finish_reason", answer.FinishReason.ToString());
        span.SetTag("fastav.answer.latency_us", answer.LatencyUs);
        span.SetTag("fastav.answer.span_start_pts_us", answer.Span?.StartPtsUs ?? -1);
        span.SetTag("fastav.answer.span_end_pts_us", answer.Span?.EndPtsUs ?? -1);
        if (!answer.Standing)
        {
            span.SetTag("fastav.answer.first_token_latency_us", answer.FirstTokenLatencyUs);
        }

        span.SetEndTime(end.UtcDateTime);
    }
}
