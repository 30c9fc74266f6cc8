using FastAV.Live.Contracts.V1;
using Google.Protobuf;
using Grpc.Core;

namespace FastAV.Live.Server.Tests.Observability;

/// <summary>
/// /metrics of the real host with the embedded model while and after a camera streams: every series the chart
/// expects, with the chart's type and labels, and values that count exactly what the call did.
/// </summary>
public sealed class MetricsTests
{
    private const int Windows = 4;

    [Fact]
    public async Task Metrics_count_what_a_streamed_clip_did()
    {
        await using var server = await ObservedServer.StartAsync();
        using var http = ObservedServer.Http(server);
        using var channel = server.CreateChannel();
        var client = new LiveAnalytics.LiveAnalyticsClient(channel);
        var open = TestCamera.Open("metrics-cam", TestCamera.Standing("colour", "what colour is the square?"));
        PrometheusText? during = null;
        var asked = new List<AnswerChunk>();
        var (responses, status) = await TestCamera.RunAsync(
            channel,
            open,
            Windows,
            between: w => w switch
            {
                // One empty frame (rejected: EMPTY_PAYLOAD) and one question on the call.
                0 => [new StreamRequest { Video = new VideoFrame { PtsUs = 600_000, Data = ByteString.Empty } }],
                1 => [new StreamRequest { Question = new Question { QuestionId = "q-call", Text = "how many objects are there?", MaxTokens = 8 } }],
                _ => [],
            },
            whileOpen: async () =>
            {
                await TestCamera.WaitForPrefilledAsync(channel, "metrics-cam", 1);
                using var ask = client.Ask(new AskRequest { StreamId = "metrics-cam", Question = new Question { QuestionId = "q-ask", Text = "what appeared in the last three seconds?", MaxTokens = 8 } });
                await foreach (var chunk in ask.ResponseStream.ReadAllAsync()) asked.Add(chunk);
                // Every window but the last is complete while the client still sends (the last closes when it finishes).
                during = await ObservedServer.ScrapeUntilAsync(http, m => m.Value("fastav_windows_prefilled_total") == Windows - 1);
            });

        Assert.Equal(StatusCode.OK, status.StatusCode);
        Assert.True(asked.Last().Done);
        var answers = responses.Where(r => r.KindCase == StreamResponse.KindOneofCase.Answer).Select(r => r.Answer).ToList();
        Assert.Contains(answers, a => a.Standing);
        Assert.Contains(answers, a => a.QuestionId == "q-call");

        // While the stream is open: one active stream, its KV cache held and within budget.
        Assert.NotNull(during);
        Assert.Equal(Windows - 1, during.Value("fastav_windows_prefilled_total"));
        Assert.Equal(1, during.Value("fastav_streams_active"));
        Assert.True(during.Value("fastav_kv_cache_bytes") > 0);
        Assert.InRange(during.Value("fastav_kv_cache_usage_ratio"), 1e-9, 1);

        // After it: counted exactly.
        var after = await ObservedServer.ScrapeUntilAsync(http, m => m.Value("fastav_streams_closed_total") == 1);
        Assert.Equal(1, after.Value("fastav_streams_opened_total"));
        Assert.Equal(1, after.Value("fastav_streams_closed_total"));
        Assert.Equal(0, after.Value("fastav_streams_active"));
        Assert.Equal(0, after.Value("fastav_kv_cache_bytes"));
        Assert.Equal(Windows * TestCamera.FramesPerWindow, after.Value("fastav_frames_decoded_total"));
        Assert.Equal(1, after.Value("fastav_frames_rejected_total"));
        Assert.Equal(Windows, after.Value("fastav_audio_chunks_decoded_total"));
        Assert.Equal(0, after.Value("fastav_audio_chunks_rejected_total"));
        Assert.Equal(Windows, after.Value("fastav_windows_prefilled_total"));
        Assert.Equal(0, after.Value("fastav_windows_dropped_total"));
        Assert.Equal(1, after.Value("fastav_warnings_total", "code=EMPTY_PAYLOAD"));

        // Every answer the clients got is one latency observation; the two ad-hoc ones also a time to first token.
        Assert.Equal(answers.Count + 1, after.Value("fastav_answer_latency_seconds_count"));
        Assert.Equal(2, after.Value("fastav_time_to_first_token_seconds_count"));
        Assert.Equal(answers.Count + 1, after.Value("fastav_answer_latency_seconds_bucket", "le=+Inf"));
        // The Ask's answer has tokens after its first: at least one inter-token interval.
        Assert.True(asked.Last().Answer.TokenCount >= 3, $"'{asked.Last().Answer.Text}' is {asked.Last().Answer.TokenCount} tokens");
        Assert.True(after.Value("fastav_inter_token_latency_seconds_count") >= 1);
        Assert.True(after.Value("fastav_engine_step_duration_seconds_count") >= Windows);
        Assert.True(after.Value("fastav_engine_step_duration_seconds_sum") > 0);
        Assert.InRange(after.Value("fastav_tokens_kept_ratio", "policy=fastav"), 0.01, 1);
        Assert.InRange(after.Value("fastav_flops_ratio", "policy=fastav"), 0.01, 1);
        Assert.Equal(0, after.Value("fastav_requests_waiting"));
        Assert.Equal(1, after.Value("rpc_server_call_duration_seconds_count", "rpc_method=fastav.live.v1.LiveAnalytics/Stream", "rpc_grpc_status_code=0"));
        Assert.Equal(1, after.Value("rpc_server_call_duration_seconds_count", "rpc_method=fastav.live.v1.LiveAnalytics/Ask", "rpc_grpc_status_code=0"));

        // The process, GC and thread pool, from .NET's own runtime meter.
        foreach (var name in new[] { "dotnet_gc_collections_total", "dotnet_process_cpu_time_seconds_total", "dotnet_process_memory_working_set_bytes", "dotnet_thread_pool_thread_count", "dotnet_thread_pool_queue_length" })
        {
            Assert.True(after.Has(name), name);
        }
    }

    [Fact]
    public async Task Every_series_the_chart_reads_is_served_with_its_type_and_labels()
    {
        await using var server = await ObservedServer.StartAsync();
        using var http = ObservedServer.Http(server);
        using var channel = server.CreateChannel();
        var (responses, status) = await TestCamera.RunAsync(channel, TestCamera.Open("contract-cam", TestCamera.Standing("colour", "what colour is the square?")), 2,
            between: w => w == 0 ? [new StreamRequest { Question = new Question { QuestionId = "q", Text = "what appeared in the last three seconds?", MaxTokens = 8 } }, new StreamRequest()] : []);
        Assert.Equal(StatusCode.OK, status.StatusCode);
        // Its ad-hoc answer has tokens after the first (inter-token latency needs two).
        var adHoc = responses.Single(r => r.Answer?.QuestionId == "q").Answer;
        Assert.True(adHoc.TokenCount >= 3, $"'{adHoc.Text}' is {adHoc.TokenCount} tokens");
        var metrics = await ObservedServer.ScrapeUntilAsync(http, m => m.Has("fastav_streams_closed_total") && m.Value("fastav_streams_closed_total") == 1);
        foreach (var (name, type, labels) in ChartMetricContract.Read())
        {
            // Counters' families are named without _total in # TYPE; histograms' samples are _bucket, _sum, _count.
            var family = type == "counter" ? name[..^"_total".Length] : name;
            Assert.True(metrics.Types.TryGetValue(family, out var served) || metrics.Types.TryGetValue(name, out served), $"{name} is not served");
            Assert.Equal(type, served);
            var sample = type == "histogram" ? name + "_count" : name;
            var samples = metrics.Find(sample).ToList();
            Assert.NotEmpty(samples);
            foreach (var s in samples)
            {
                Assert.Equal(labels.Order(StringComparer.Ordinal), s.Labels.Keys.Where(k => k != "le").Order(StringComparer.Ordinal));
            }
        }
    }
}
