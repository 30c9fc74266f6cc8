using FastAV.Live.Contracts.V1;
using Grpc.Core;

namespace FastAV.Live.Server.Tests.Tenants;

/// <summary>
/// Streams belong to the tenant that opened them, on the real server with a tenants file: ids are unique per tenant,
/// ListStreams lists the caller's, GetStream and Ask of another tenant's stream are NOT_FOUND exactly as for an id no
/// one uses; an admin lists every tenant and may name one with x-fastav-tenant, nobody else may; a detached stream
/// resumes only for its own tenant.
/// </summary>
public sealed class TenantIsolationTests(TenantServerFixture fixture) : IClassFixture<TenantServerFixture>
{
    private readonly LiveServer _server = fixture.Server;

    [Fact]
    public async Task Two_tenants_both_have_cam_1_and_see_only_their_own()
    {
        using var channel = _server.CreateChannel();
        var (a, acceptedA) = await TenantCalls.OpenAsync(channel, TenantCalls.As("site-a"), StreamMessages.Open("cam-1"));
        var (door, acceptedDoor) = await TenantCalls.OpenAsync(channel, TenantCalls.As("site-a"), StreamMessages.Open("door"));
        var (b, acceptedB) = await TenantCalls.OpenAsync(channel, TenantCalls.As("site-b"), StreamMessages.Open("cam-1"));
        Assert.Equal("cam-1", acceptedA!.Accepted.StreamId);
        Assert.Equal("door", acceptedDoor!.Accepted.StreamId);
        Assert.Equal("cam-1", acceptedB!.Accepted.StreamId);

        // Only site-a's cam-1 gets media: the two streams are distinct.
        await a.RequestStream.WriteAsync(StreamMessages.FrameRequest(0));
        await a.RequestStream.WriteAsync(StreamMessages.FrameRequest(40_000));
        var client = new LiveAnalytics.LiveAnalyticsClient(channel);
        await WaitAsync(async () => (await client.GetStreamAsync(new GetStreamRequest { StreamId = "cam-1" }, TenantCalls.As("site-a"))).Stream.Stats.VideoFramesAccepted == 2);
        var infoB = (await client.GetStreamAsync(new GetStreamRequest { StreamId = "cam-1" }, TenantCalls.As("site-b"))).Stream;
        Assert.Equal("site-b", infoB.Tenant);
        Assert.Equal(0UL, infoB.Stats.VideoFramesAccepted);
        Assert.Equal("site-a", (await client.GetStreamAsync(new GetStreamRequest { StreamId = "cam-1" }, TenantCalls.As("site-a"))).Stream.Tenant);

        var listA = await TenantCalls.ListAsync(channel, TenantCalls.As("site-a"));
        Assert.Equal(["cam-1", "door"], listA.Streams.Select(s => s.StreamId));
        Assert.All(listA.Streams, s => Assert.Equal("site-a", s.Tenant));
        Assert.Equal(2U, listA.TotalCount);
        var listB = await TenantCalls.ListAsync(channel, TenantCalls.As("site-b"));
        Assert.Equal(["cam-1"], listB.Streams.Select(s => s.StreamId));
        Assert.Equal(1U, listB.TotalCount);
        Assert.Empty((await TenantCalls.ListAsync(channel, TenantCalls.As("reader"))).Streams);

        // A second cam-1 of site-a is ALREADY_EXISTS; site-b's is untouched by it.
        var again = await TenantCalls.CallAsync(channel, "Stream", TenantCalls.As("site-a"), "cam-1");
        Assert.Equal(StatusCode.AlreadyExists, again.StatusCode);

        var endA = await TenantCalls.FinishAsync(a);
        var endB = await TenantCalls.FinishAsync(b);
        await TenantCalls.FinishAsync(door);
        Assert.Equal(StatusCode.OK, endA.Status.StatusCode);
        Assert.Equal(StatusCode.OK, endB.Status.StatusCode);
        Assert.Equal(2UL, endA.Responses[^1].Stats.VideoFramesAccepted);
        Assert.Equal(0UL, endB.Responses[^1].Stats.VideoFramesAccepted);
    }

    [Theory]
    [InlineData("GetStream", "GetStreamRequest.stream_id")]
    [InlineData("Ask", "AskRequest.stream_id")]
    public async Task Another_tenants_stream_is_not_found_exactly_like_a_missing_one(string method, string field)
    {
        using var channel = _server.CreateChannel();
        var (call, accepted) = await TenantCalls.OpenAsync(channel, TenantCalls.As("site-a"), StreamMessages.Open("vault"));
        Assert.NotNull(accepted);

        var theirs = await TenantCalls.CallAsync(channel, method, TenantCalls.As("site-b"), "vault");
        var nobodys = await TenantCalls.CallAsync(channel, method, TenantCalls.As("site-b"), "vaulu");
        Assert.Equal(StatusCode.NotFound, theirs.StatusCode);
        Assert.Equal(StatusCode.NotFound, nobodys.StatusCode);
        Assert.Equal($"{field}: no live stream 'vault'", theirs.Detail);
        Assert.Equal(nobodys.Detail.Replace("vaulu", "vault", StringComparison.Ordinal), theirs.Detail);

        // The owner reaches it (Ask: past the lookup, the ingest-only server has no model).
        var own = await TenantCalls.CallAsync(channel, method, TenantCalls.As("site-a"), "vault");
        Assert.Equal(method == "Ask" ? StatusCode.FailedPrecondition : StatusCode.OK, own.StatusCode);
        await TenantCalls.FinishAsync(call);
    }

    [Fact]
    public async Task An_admin_lists_every_tenant_in_pages_and_names_one_with_metadata()
    {
        using var channel = _server.CreateChannel();
        var (a, _) = await TenantCalls.OpenAsync(channel, TenantCalls.As("site-a"), StreamMessages.Open("adm-1"));
        var (b, _) = await TenantCalls.OpenAsync(channel, TenantCalls.As("site-b"), StreamMessages.Open("adm-1"));
        var (c, _) = await TenantCalls.OpenAsync(channel, TenantCalls.As("site-b"), StreamMessages.Open("adm-2"));
        var ops = TenantCalls.As("ops");

        var seen = new List<string>();
        var request = new ListStreamsRequest { PageSize = 1, StreamIdPrefix = "adm-" };
        do
        {
            var page = await TenantCalls.ListAsync(channel, TenantCalls.As("ops"), request);
            Assert.Equal(3U, page.TotalCount);
            seen.AddRange(page.Streams.Select(s => $"{s.Tenant}/{s.StreamId}"));
            request.PageToken = page.NextPageToken;
        }
        while (request.PageToken.Length > 0);
        Assert.Equal(["site-a/adm-1", "site-b/adm-1", "site-b/adm-2"], seen);

        var onlyB = await TenantCalls.ListAsync(channel, TenantCalls.As("ops").With("x-fastav-tenant", "site-b"), new ListStreamsRequest { StreamIdPrefix = "adm-" });
        Assert.Equal(["adm-1", "adm-2"], onlyB.Streams.Select(s => s.StreamId));
        var client = new LiveAnalytics.LiveAnalyticsClient(channel);
        var got = await client.GetStreamAsync(new GetStreamRequest { StreamId = "adm-2" }, TenantCalls.As("ops").With("x-fastav-tenant", "site-b"));
        Assert.Equal("site-b", got.Stream.Tenant);

        // Without the header an admin's GetStream looks in its own tenant.
        Assert.Equal(StatusCode.NotFound, (await TenantCalls.CallAsync(channel, "GetStream", ops, "adm-2")).StatusCode);

        // A non-admin may name only itself; a page token from another listing is refused.
        var denied = await TenantCalls.CallAsync(channel, "GetStream", TenantCalls.As("site-a").With("x-fastav-tenant", "site-b"), "adm-2");
        Assert.Equal(StatusCode.PermissionDenied, denied.StatusCode);
        Assert.StartsWith("metadata x-fastav-tenant names another tenant", denied.Detail, StringComparison.Ordinal);
        Assert.Equal(StatusCode.OK, (await TenantCalls.CallAsync(channel, "GetStream", TenantCalls.As("site-a").With("x-fastav-tenant", "site-a"), "adm-1")).StatusCode);
        var badToken = await Assert.ThrowsAsync<RpcException>(() => TenantCalls.ListAsync(channel, ops, new ListStreamsRequest { PageToken = "adm-1" }));
        Assert.Equal(StatusCode.InvalidArgument, badToken.StatusCode);

        // A stream always opens in the caller's own tenant.
        var elsewhere = await TenantCalls.CallAsync(channel, "Stream", TenantCalls.As("site-a").With("x-fastav-tenant", "site-b"), "adm-3");
        Assert.Equal(StatusCode.PermissionDenied, elsewhere.StatusCode);

        foreach (var call in new[] { a, b, c })
        {
            await TenantCalls.FinishAsync(call);
        }
    }

    [Fact]
    public async Task Resume_works_only_for_the_tenant_that_opened_the_stream_and_ServerStats_only_for_admins()
    {
        using var channel = _server.CreateChannel();
        var client = new LiveAnalytics.LiveAnalyticsClient(channel);

        // site-a's camera loses its connection: the stream is detached, kept for its resume.
        string token;
        using (var cts = new CancellationTokenSource())
        {
            using var call = client.Stream(TenantCalls.As("site-a"), cancellationToken: cts.Token);
            await call.RequestStream.WriteAsync(new StreamRequest { Open = StreamMessages.Open("lobby") });
            await call.RequestStream.WriteAsync(StreamMessages.FrameRequest(0));
            Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
            token = call.ResponseStream.Current.Accepted.ResumeToken;
            Assert.NotEmpty(token);
            await WaitAsync(async () => (await client.GetStreamAsync(new GetStreamRequest { StreamId = "lobby" }, TenantCalls.As("site-a"))).Stream.Stats.VideoFramesAccepted == 1);
            await cts.CancelAsync();
        }

        await WaitAsync(async () => (await client.GetStreamAsync(new GetStreamRequest { StreamId = "lobby" }, TenantCalls.As("site-a"))).Stream.State == StreamState.Detached);

        // The dashboard (read+admin) shows it with its tenant, detached.
        using (var http = new HttpClient { BaseAddress = _server.HttpAddress })
        {
            http.DefaultRequestHeaders.Add("Authorization", "Bearer " + TenantsFileWriter.KeyOf("ops"));
            using var state = System.Text.Json.JsonDocument.Parse(await http.GetStringAsync(new Uri("/dashboard/api/state", UriKind.Relative)));
            var lobby = state.RootElement.GetProperty("streams").EnumerateArray().Single(v => v.GetProperty("id").GetString() == "lobby");
            Assert.Equal(("site-a", "detached"), (lobby.GetProperty("tenant").GetString(), lobby.GetProperty("state").GetString()));
        }

        // site-b holds the id and the token, and still finds nothing: the same answer as an id no one uses.
        var resumeOpen = StreamMessages.Open("lobby");
        resumeOpen.ResumeToken = token;
        var (_, stolen) = await StreamCalls.RunToEndAsync(channel, [new StreamRequest { Open = resumeOpen }], TenantCalls.Patience, TenantCalls.As("site-b"));
        var unknownOpen = StreamMessages.Open("nobody-uses-this");
        unknownOpen.ResumeToken = token;
        var (_, unknown) = await StreamCalls.RunToEndAsync(channel, [new StreamRequest { Open = unknownOpen }], TenantCalls.Patience, TenantCalls.As("site-b"));
        Assert.Equal(StatusCode.NotFound, stolen.StatusCode);
        Assert.Equal(unknown.Detail, stolen.Detail);

        // Nor does a fresh open of the id by site-b touch site-a's detached stream (ids are per tenant).
        var (other, accepted) = await TenantCalls.OpenAsync(channel, TenantCalls.As("site-b"), StreamMessages.Open("lobby"));
        Assert.False(accepted!.Accepted.Resumed);
        await TenantCalls.FinishAsync(other);
        Assert.Equal(StreamState.Detached, (await client.GetStreamAsync(new GetStreamRequest { StreamId = "lobby" }, TenantCalls.As("site-a"))).Stream.State);

        // Whole-server figures (memory, KV and detaches over every tenant) are for admins only.
        Assert.Null((await TenantCalls.ListAsync(channel, TenantCalls.As("site-a"))).Server);
        var server = (await TenantCalls.ListAsync(channel, TenantCalls.As("ops"))).Server;
        Assert.NotNull(server);
        Assert.True(server.Streams >= 1 && server.DetachedStreams >= 1, $"{server}"); // every tenant's streams, site-a's detached one among them

        // site-a resumes it.
        var (responses, status) = await StreamCalls.RunToEndAsync(channel, [new StreamRequest { Open = resumeOpen }], TenantCalls.Patience, TenantCalls.As("site-a"));
        Assert.Equal(StatusCode.OK, status.StatusCode);
        Assert.True(responses[0].Accepted.Resumed);
        Assert.Equal(1UL, responses[^1].Stats.VideoFramesAccepted);
    }

    private static async Task WaitAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + TenantCalls.Patience;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the condition never held");
            await Task.Delay(20);
        }
    }
}
