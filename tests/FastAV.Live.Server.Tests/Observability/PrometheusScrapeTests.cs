using System.Text.Json;
using FastAV.Live.Contracts.V1;
using FastAV.Live.Server.Tests.Hosting;
using Grpc.Core;
using Grpc.Net.Client;

namespace FastAV.Live.Server.Tests.Observability;

/// <summary>
/// The real `fastav serve` process with JSON logs, scraped every second by Debian's real Prometheus: after a streamed
/// clip, Prometheus' HTTP API returns what the server counted; the process' log is one JSON object per line, with the
/// call's scopes and no question text.
/// </summary>
public sealed class PrometheusScrapeTests
{
    private const int Windows = 4;
    private const string AskedText = "what appeared in the last three seconds?";
    private const string StandingText = "what colour is the square?";

    [Fact]
    public async Task Prometheus_scrapes_a_live_server_and_returns_its_metrics_after_a_streamed_clip()
    {
        var (server, address) = await FastavProcess.StartAsync(
            TimeSpan.FromSeconds(90),
            "--Inference:MaxBacklogSeconds", "60", "--Inference:MaxQueuedWindows", "64",
            "--Logging:Format", "json", "--Logging:LogLevel:FastAV", "Debug");
        using var process = server;
        var metricsAddress = await server.HttpAddress.WaitAsync(TimeSpan.FromSeconds(10));
        await using var prometheus = await PrometheusServer.StartAsync(metricsAddress, "fastav");
        Assert.Equal(1, await prometheus.WaitForAsync("up{job=\"fastav\"}", v => v == 1));

        using var channel = GrpcChannel.ForAddress(address);
        var (responses, status) = await TestCamera.RunAsync(
            channel,
            TestCamera.Open("prom-cam", TestCamera.Standing("colour", StandingText)),
            Windows,
            between: w => w == 1 ? [new StreamRequest { Question = new Question { QuestionId = "q-call", Text = AskedText, MaxTokens = 8 } }] : []);
        Assert.Equal(StatusCode.OK, status.StatusCode);
        var answers = responses.Count(r => r.KindCase == StreamResponse.KindOneofCase.Answer);
        Assert.True(answers >= 2);

        // What Prometheus stored from its scrapes.
        Assert.Equal(1, await prometheus.WaitForAsync("fastav_streams_closed_total{job=\"fastav\"}", v => v == 1));
        Assert.Equal(1, await prometheus.WaitForAsync("fastav_streams_opened_total", v => v == 1));
        Assert.Equal(0, await prometheus.WaitForAsync("fastav_streams_active", v => v == 0));
        Assert.Equal(Windows, await prometheus.WaitForAsync("fastav_windows_prefilled_total", v => v > 0));
        Assert.Equal(0, await prometheus.WaitForAsync("fastav_windows_dropped_total", _ => true));
        Assert.Equal(Windows * TestCamera.FramesPerWindow, await prometheus.WaitForAsync("fastav_frames_decoded_total", v => v > 0));
        Assert.Equal(Windows, await prometheus.WaitForAsync("fastav_audio_chunks_decoded_total", v => v > 0));
        Assert.Equal(answers, await prometheus.WaitForAsync("fastav_answer_latency_seconds_count", v => v > 0));
        Assert.Equal(answers, await prometheus.WaitForAsync("fastav_answer_latency_seconds_bucket{le=\"+Inf\"}", v => v > 0));
        Assert.Equal(1, await prometheus.WaitForAsync("fastav_time_to_first_token_seconds_count", v => v > 0));
        Assert.True(await prometheus.WaitForAsync("fastav_engine_step_duration_seconds_count", v => v > 0) >= Windows);
        Assert.Equal(1, await prometheus.WaitForAsync("rpc_server_call_duration_seconds_count{rpc_method=\"fastav.live.v1.LiveAnalytics/Stream\",rpc_grpc_status_code=\"0\"}", v => v > 0));
        Assert.InRange(await prometheus.WaitForAsync("fastav_tokens_kept_ratio{policy=\"fastav\"}", v => v > 0), 0.01, 1);
        // PromQL over the histograms works as the chart's dashboard uses it.
        var median = await prometheus.WaitForAsync("histogram_quantile(0.5, sum by (le) (fastav_answer_latency_seconds_bucket))", v => !double.IsNaN(v));
        Assert.InRange(median, 0, 60);
        var runtime = await prometheus.QueryAsync("dotnet_thread_pool_thread_count");
        Assert.Single(runtime);

        // The log: one JSON object per line, scopes naming the stream, never the question text.
        server.Terminate();
        Assert.Equal(0, await server.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        var lines = server.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var entries = lines.Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.All(entries, e => Assert.True(e.TryGetProperty("LogLevel", out _) && e.TryGetProperty("Category", out _) && e.TryGetProperty("Timestamp", out _)));
        Assert.Contains(entries, e => e.GetProperty("Category").GetString()!.EndsWith("CallLoggingInterceptor", StringComparison.Ordinal)
            && e.TryGetProperty("Scopes", out var scopes) && scopes.EnumerateArray().Any(s => s.ValueKind == JsonValueKind.Object && s.TryGetProperty("StreamId", out var id) && id.GetString() == "prom-cam"));
        Assert.Contains(entries, e => e.GetProperty("EventId").GetInt32() == 1950 && e.GetProperty("State").GetProperty("StreamId").GetString() == "prom-cam");
        Assert.DoesNotContain(lines, l => l.Contains(AskedText, StringComparison.Ordinal) || l.Contains(StandingText, StringComparison.Ordinal));
    }
}
