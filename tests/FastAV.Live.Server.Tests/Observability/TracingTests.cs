using System.Diagnostics;
using FastAV.Live.Contracts.V1;
using FastAV.Live.Server.Tests.Observability.Otlp;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;
using SpanKind = FastAV.Live.Server.Tests.Observability.Otlp.SpanKind;
using StatusCode = Grpc.Core.StatusCode;

namespace FastAV.Live.Server.Tests.Observability;

/// <summary>
/// OpenTelemetry tracing of the real host exported by OTLP to a receiver on loopback, decoded from the wire: a call's
/// span (the caller's traceparent honoured), its windows and answers as children; no question text in any span.
/// </summary>
public sealed class TracingTests
{
    private const int Windows = 3;
    private const string Question = "what appeared in the last three seconds?";

    [Theory]
    [InlineData("http/protobuf")]
    [InlineData("grpc")]
    public async Task Calls_windows_and_answers_reach_an_otlp_receiver(string protocol)
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        var endpoint = protocol == "grpc" ? receiver.GrpcEndpoint : receiver.HttpEndpoint;
        var streamId = "traced-" + protocol.Replace('/', '-');
        await using var server = await ObservedServer.StartAsync("--OpenTelemetry:Endpoint", endpoint.ToString().TrimEnd('/'), "--OpenTelemetry:Protocol", protocol);
        using var channel = server.CreateChannel();
        var client = new LiveAnalytics.LiveAnalyticsClient(channel);

        // The Ask comes from a caller already inside a trace.
        var callerTrace = ActivityTraceId.CreateRandom();
        var callerSpan = ActivitySpanId.CreateRandom();
        var (_, status) = await TestCamera.RunAsync(
            channel,
            TestCamera.Open(streamId, TestCamera.Standing("colour", "what colour is the square?")),
            Windows,
            between: w => w == 1 ? [new StreamRequest { Question = new Question { QuestionId = "q-call", Text = Question, MaxTokens = 8 } }] : [],
            whileOpen: async () =>
            {
                await TestCamera.WaitForPrefilledAsync(channel, streamId, 1);
                var headers = new Metadata { { "traceparent", $"00-{callerTrace.ToHexString()}-{callerSpan.ToHexString()}-01" } };
                using var ask = client.Ask(new AskRequest { StreamId = streamId, Question = new Question { QuestionId = "q-ask", Text = Question, MaxTokens = 8 } }, headers);
                await foreach (var _ in ask.ResponseStream.ReadAllAsync()) { }
            });
        Assert.Equal(StatusCode.OK, status.StatusCode);
        Assert.True(server.Services.GetRequiredService<TracerProvider>().ForceFlush(30_000));

        var spans = await receiver.WaitAsync(s => s.Count(x => x.Span.Name == "fastav.window" && x.Span.Attribute("fastav.stream.id") == streamId) >= Windows
            && s.Any(x => x.Span.Name == "fastav.live.v1.LiveAnalytics/Stream" && x.Span.Attribute("rpc.grpc.status_code") == "0"));
        if (protocol != "grpc")
        {
            Assert.All(receiver.HttpContentTypes, t => Assert.Equal("application/x-protobuf", t));
        }

        // The Stream call: a server span named after its method, with OpenTelemetry's rpc attributes.
        var ours = spans.Where(x => x.Span.Attribute("fastav.stream.id") == streamId).Select(x => x.Span).ToList();
        var windows = ours.Where(s => s.Name == "fastav.window").ToList();
        Assert.Equal(Windows, windows.Count);
        var call = spans.Select(x => x.Span).Single(s => s.SpanId == windows[0].ParentSpanId);
        Assert.Equal("fastav.live.v1.LiveAnalytics/Stream", call.Name);
        Assert.Equal(SpanKind.Server, call.Kind);
        Assert.Equal("grpc", call.Attribute("rpc.system"));
        Assert.Equal("fastav.live.v1.LiveAnalytics", call.Attribute("rpc.service"));
        Assert.Equal("Stream", call.Attribute("rpc.method"));
        Assert.Equal("0", call.Attribute("rpc.grpc.status_code"));
        Assert.Equal("fastav-live", OtlpSpans.Value(spans.First(x => x.Span == call).Resource.Attributes, "service.name"));

        // Windows: children of the call, in the call's time, one per window index.
        Assert.All(windows, w =>
        {
            Assert.Equal(call.TraceId, w.TraceId);
            Assert.Equal(call.SpanId, w.ParentSpanId);
            Assert.InRange(w.StartTimeUnixNano, call.StartTimeUnixNano, w.EndTimeUnixNano);
            Assert.True(long.Parse(w.Attribute("fastav.window.tokens")!, System.Globalization.CultureInfo.InvariantCulture) > 0);
        });
        Assert.Equal(Enumerable.Range(0, Windows).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), windows.Select(w => w.Attribute("fastav.window.index")).Order());

        // Answers: standing and on-the-call ones under the Stream call; the Ask's under the Ask call, in the caller's trace.
        var answers = ours.Where(s => s.Name == "fastav.answer").ToList();
        Assert.Contains(answers, a => a.Attribute("fastav.answer.standing") == "true" && a.ParentSpanId == call.SpanId);
        Assert.Contains(answers, a => a.Attribute("fastav.question.id") == "q-call" && a.ParentSpanId == call.SpanId);
        var askAnswer = Assert.Single(answers, a => a.Attribute("fastav.question.id") == "q-ask");
        var askCall = spans.Select(x => x.Span).Single(s => s.SpanId == askAnswer.ParentSpanId);
        Assert.Equal("fastav.live.v1.LiveAnalytics/Ask", askCall.Name);
        Assert.Equal(callerTrace.ToHexString(), askCall.TraceId.Hex());
        Assert.Equal(callerSpan.ToHexString(), askCall.ParentSpanId.Hex());
        Assert.Equal(callerTrace.ToHexString(), askAnswer.TraceId.Hex());

        // Ids and numbers only: no question text in any attribute.
        Assert.DoesNotContain(spans.SelectMany(x => x.Span.Attributes), a => a.Value.StringValue.Contains(Question, StringComparison.Ordinal) || a.Value.StringValue.Contains("what colour is the square?", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Without_an_endpoint_nothing_is_traced()
    {
        await using var server = await ObservedServer.StartAsync();
        Assert.Null(server.Services.GetService<TracerProvider>());
    }
}
