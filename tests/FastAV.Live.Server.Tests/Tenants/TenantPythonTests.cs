using System.Text.Json.Nodes;
using FastAV.Live.Server.Tenants;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace FastAV.Live.Server.Tests.Tenants;

/// <summary>
/// The official gRPC Python client (grpcio) against the real server with a tenants file: every auth outcome of every
/// call kind, tenant isolation, and a quota refusal's trailers as grpcio hands them to an application.
/// </summary>
public sealed class TenantPythonTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private readonly TenantsFileWriter _file = new(TenantsFileWriter.Standard(
        TenantsFileWriter.Tenant("metered", ["stream", "ask", "read"], new() { ["maxAsksPerSecond"] = 2, ["askBurst"] = 2 })));

    private LiveServer _server = null!;

    public async Task InitializeAsync() =>
        // Stats after every message: the frozen clock never ticks the periodic ones, and the probe waits for stats.
        _server = await LiveServer.StartWithHostAsync(o => o.StatsEveryMessages = 1, null, b => b.Services.AddSingleton<TimeProvider>(_clock), "--Auth:ApiKeysFile", _file.Path);

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _file.Dispose();
    }

    [Theory]
    [InlineData(null, "UNAUTHENTICATED", "UNAUTHENTICATED", "UNAUTHENTICATED", "UNAUTHENTICATED")]
    [InlineData("no-such-key", "UNAUTHENTICATED", "UNAUTHENTICATED", "UNAUTHENTICATED", "UNAUTHENTICATED")]
    [InlineData("key-streamer", "OK", "PERMISSION_DENIED", "PERMISSION_DENIED", "PERMISSION_DENIED")]
    [InlineData("key-asker", "PERMISSION_DENIED", "NOT_FOUND", "PERMISSION_DENIED", "PERMISSION_DENIED")]
    [InlineData("key-reader", "PERMISSION_DENIED", "PERMISSION_DENIED", "OK", "NOT_FOUND")]
    [InlineData("key-site-a", "OK", "NOT_FOUND", "OK", "NOT_FOUND")]
    public async Task Every_call_kind_answers_each_credential(string? key, string stream, string ask, string list, string get)
    {
        var script = new JsonObject
        {
            ["stream"] = new JsonObject { ["requests"] = new JsonArray(PythonProbe.Json(StreamMessages.OpenRequest("py-auth")), PythonProbe.Json(StreamMessages.FrameRequest(0))) },
            ["calls"] = new JsonArray(
                Call("Ask", new JsonObject { ["streamId"] = "nowhere", ["question"] = new JsonObject { ["text"] = "anyone?" } }),
                Call("ListStreams", new JsonObject()),
                Call("GetStream", new JsonObject { ["streamId"] = "nowhere" }),
                Call("Health", new JsonObject())),
        };
        var result = key is null ? await PythonProbe.RunAsync(_server.Target, script) : await PythonProbe.RunAsync(_server.Target, script, "--token", key);
        Assert.Equal(stream, (string?)result["stream"]!["code"]);
        var calls = result["calls"]!.AsArray();
        Assert.Equal([ask, list, get, "OK"], calls.Select(c => (string?)c!["code"]));
        Assert.True((bool)calls[3]!["serving"]!);
        if (stream == "UNAUTHENTICATED")
        {
            Assert.StartsWith("authentication: ", (string?)result["stream"]!["details"], StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Another_tenants_stream_is_invisible_and_ids_are_per_tenant()
    {
        // site-a streams py-door; while it is open site-b looks for it, opens its own py-door, and lists.
        var siteA = new JsonArray(new JsonArray("authorization", "Bearer " + TenantsFileWriter.KeyOf("site-a")));
        JsonNode AsB() => new JsonArray(new JsonArray("authorization", "Bearer " + TenantsFileWriter.KeyOf("site-b")));
        var script = new JsonObject
        {
            ["stream"] = new JsonObject
            {
                ["metadata"] = siteA,
                ["requests"] = new JsonArray(PythonProbe.Json(StreamMessages.OpenRequest("py-door")), PythonProbe.Json(StreamMessages.FrameRequest(0))),
                ["await_requests_counted"] = true,
                ["while_open"] = new JsonArray(
                    Call("GetStream", new JsonObject { ["streamId"] = "py-door" }, AsB()),
                    Call("Ask", new JsonObject { ["streamId"] = "py-door", ["question"] = new JsonObject { ["text"] = "anyone?" } }, AsB()),
                    Call("ListStreams", new JsonObject(), AsB()),
                    Call("GetStream", new JsonObject { ["streamId"] = "py-door" }, siteA.DeepClone())),
            },
        };
        var result = await PythonProbe.RunAsync(_server.Target, script);
        Assert.Equal("OK", (string?)result["stream"]!["code"]);
        var seen = result["while_open"]!.AsArray();
        Assert.Equal("NOT_FOUND", (string?)seen[0]!["code"]);
        Assert.Equal("GetStreamRequest.stream_id: no live stream 'py-door'", (string?)seen[0]!["details"]);
        Assert.Equal("NOT_FOUND", (string?)seen[1]!["code"]);
        Assert.Equal("OK", (string?)seen[2]!["code"]);
        Assert.Null(seen[2]!["responses"]![0]!["streams"]);
        Assert.Equal("OK", (string?)seen[3]!["code"]);
        Assert.Equal("site-a", (string?)seen[3]!["responses"]![0]!["stream"]!["tenant"]);
    }

    [Fact]
    public async Task Grpcio_reads_the_quota_refusals_retry_trailers()
    {
        var ask = Call("Ask", new JsonObject { ["streamId"] = "py-metered", ["question"] = new JsonObject { ["text"] = "anyone?" } });
        var script = new JsonObject
        {
            ["stream"] = new JsonObject
            {
                ["requests"] = new JsonArray(PythonProbe.Json(StreamMessages.OpenRequest("py-metered")), PythonProbe.Json(StreamMessages.FrameRequest(0))),
                ["await_requests_counted"] = true,
                ["while_open"] = new JsonArray(ask, ask.DeepClone(), ask.DeepClone()),
            },
        };
        var result = await PythonProbe.RunAsync(_server.Target, script, "--token", TenantsFileWriter.KeyOf("metered"));
        var asks = result["while_open"]!.AsArray();
        Assert.Equal(["FAILED_PRECONDITION", "FAILED_PRECONDITION", "RESOURCE_EXHAUSTED"], asks.Select(a => (string?)a!["code"]));
        Assert.StartsWith("AskRequest: quota asks_per_second of tenant 'metered' exceeded", (string?)asks[2]!["details"], StringComparison.Ordinal);
        var trailers = asks[2]!["trailers"]!;
        var details = Google.Rpc.Status.Parser.ParseFrom(Convert.FromBase64String((string)trailers["grpc-status-details-bin"]!));
        QuotaDetails.Of(details, (string?)trailers["retry-after-ms"]).Says(QuotaNames.AsksPerSecond, "metered", 500);
    }

    private static JsonObject Call(string method, JsonObject request, JsonNode? metadata = null)
    {
        var call = new JsonObject { ["method"] = method, ["request"] = request };
        if (metadata is not null)
        {
            call["metadata"] = metadata;
        }

        return call;
    }
}
