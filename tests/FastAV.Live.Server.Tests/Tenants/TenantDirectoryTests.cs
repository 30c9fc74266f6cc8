using FastAV.Live.Contracts.V1;
using FastAV.Live.Server.Hosting;
using FastAV.Live.Server.Tenants;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FastAV.Live.Server.Tests.Tenants;

/// <summary>
/// The tenants file over a server's life, on the real server: an open server warns once and works as before; a bad
/// file stops start-up naming the setting; a changed file is reloaded (keys added and revoked); a bad new file keeps
/// the old tenants and says why.
/// </summary>
public sealed class TenantDirectoryTests
{
    private static readonly TimeSpan ReloadPatience = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task Without_a_tenants_file_the_server_is_open_and_says_so_once()
    {
        var logs = new LogRecorder();
        await using var server = await LiveServer.StartAsync(null, null, l => l.AddProvider(logs));
        var warnings = logs.Lines.Where(l => l.Level == LogLevel.Warning && l.Message.StartsWith("Authentication is off", StringComparison.Ordinal)).ToList();
        Assert.Single(warnings);
        Assert.Contains("Auth:ApiKeysFile", warnings[0].Message, StringComparison.Ordinal);

        using var channel = server.CreateChannel();
        var (call, accepted) = await TenantCalls.OpenAsync(channel, [], StreamMessages.Open("open-1"));
        Assert.NotNull(accepted);
        var listed = Assert.Single((await TenantCalls.ListAsync(channel, [])).Streams);
        Assert.Equal(Tenant.DefaultName, listed.Tenant);
        Assert.NotNull(server.Registry.Find("open-1"));

        // A key is ignored (nothing to check it against), an x-fastav-tenant naming another tenant is not allowed.
        Assert.Equal(StatusCode.OK, (await TenantCalls.CallAsync(channel, "GetStream", TenantCalls.Key("anything"), "open-1")).StatusCode);
        Assert.Equal(StatusCode.PermissionDenied, (await TenantCalls.CallAsync(channel, "GetStream", new Metadata { { "x-fastav-tenant", "other" } }, "open-1")).StatusCode);
        Assert.Equal(StatusCode.OK, (await TenantCalls.FinishAsync(call)).Status.StatusCode);
        Assert.Single(logs.Lines, l => l.Message.StartsWith("Authentication is off", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("""{"tenants": [{"name": "a", "roles": ["read"], "keys": ["my-secret-key"]}]}""", "tenants[0].keys[0]: must be \"sha256:\"")]
    [InlineData("""{"tenants": [{"name": "a", "roles": ["reader"]}]}""", "tenants[0].roles[0]: unknown role 'reader'")]
    [InlineData("""not json""", "not JSON")]
    public void A_bad_tenants_file_stops_start_up_naming_the_setting(string content, string expected)
    {
        using var file = new TenantsFileWriter();
        file.Write(content);
        var ex = Assert.Throws<InvalidOperationException>(() => ServerHost.Build(["--urls", "http://127.0.0.1:0", "--Auth:ApiKeysFile", file.Path]));
        Assert.StartsWith($"Auth:ApiKeysFile '{file.Path}': ", ex.Message, StringComparison.Ordinal);
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("my-secret-key", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--Auth:ApiKeysFile", "/nonexistent/tenants.json", "Auth:ApiKeysFile '/nonexistent/tenants.json' does not exist.")]
    [InlineData("--Auth:ReloadInterval", "00:00:00", "Auth:ReloadInterval must be in")]
    [InlineData("--Quotas:MaxAsksPerSecond", "-1", "Quotas:MaxAsksPerSecond must be in")]
    [InlineData("--Quotas:AskBurst", "0.5", "Quotas:AskBurst must be 0 (default) or at least 1")]
    public void Bad_auth_and_quota_settings_stop_start_up(string key, string value, string expected)
    {
        var ex = Assert.Throws<InvalidOperationException>(() => ServerHost.Build(["--urls", "http://127.0.0.1:0", key, value]));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_changed_file_is_reloaded_and_a_bad_one_keeps_the_old_tenants()
    {
        using var file = new TenantsFileWriter(TenantsFileWriter.File(TenantsFileWriter.Tenant("site-a", ["stream", "read"])));
        var logs = new LogRecorder();
        await using var server = await LiveServer.StartAsync(null, null, l => l.AddProvider(logs), "--Auth:ApiKeysFile", file.Path, "--Auth:ReloadInterval", "00:00:00.2");
        using var channel = server.CreateChannel();
        Assert.Equal(StatusCode.OK, (await TenantCalls.CallAsync(channel, "ListStreams", TenantCalls.As("site-a"))).StatusCode);
        var (running, accepted) = await TenantCalls.OpenAsync(channel, TenantCalls.As("site-a"), StreamMessages.Open("kept"));
        Assert.NotNull(accepted);

        // site-a's key revoked, site-c added: a rename over the file, as editors and Kubernetes do.
        file.Write(TenantsFileWriter.File(TenantsFileWriter.Tenant("site-c", ["read"])));
        await UntilAsync(async () => (await TenantCalls.CallAsync(channel, "ListStreams", TenantCalls.As("site-c"))).StatusCode == StatusCode.OK);
        var revoked = await TenantCalls.CallAsync(channel, "ListStreams", TenantCalls.As("site-a"));
        Assert.Equal(StatusCode.Unauthenticated, revoked.StatusCode);
        Assert.Contains(logs.Lines, l => l.Message.Contains("in force: 1 tenants, 1 API key hashes", StringComparison.Ordinal));

        // A bad new file: the old tenants stay, the log says why (once).
        var reloads = server.Services.GetRequiredService<TenantDirectory>().ReloadCount;
        file.Write("""{"tenants": [{"name": "site-d", "roles": ["write"]}]}""");
        await UntilAsync(() => Task.FromResult(logs.Lines.Any(l => l.Level == LogLevel.Warning && l.Message.Contains("unknown role 'write'", StringComparison.Ordinal))));
        await Task.Delay(600); // three more polls of the unchanged bad file
        Assert.Single(logs.Lines, l => l.Message.Contains("unknown role 'write'", StringComparison.Ordinal));
        Assert.StartsWith($"Tenants file {file.Path} changed but is not used, the previous tenants stay in force: ", logs.Lines.Single(l => l.Message.Contains("unknown role", StringComparison.Ordinal)).Message, StringComparison.Ordinal);
        Assert.Equal(reloads, server.Services.GetRequiredService<TenantDirectory>().ReloadCount);
        Assert.Equal(StatusCode.OK, (await TenantCalls.CallAsync(channel, "ListStreams", TenantCalls.As("site-c"))).StatusCode);

        // Written in place (no rename) this time: picked up as well.
        File.WriteAllText(file.Path, TenantsFileWriter.File(TenantsFileWriter.Tenant("site-e", ["read"])).ToJsonString());
        await UntilAsync(async () => (await TenantCalls.CallAsync(channel, "ListStreams", TenantCalls.As("site-e"))).StatusCode == StatusCode.OK);

        // A call authenticated before the revocation runs to its end.
        await running.RequestStream.WriteAsync(StreamMessages.FrameRequest(0));
        var (responses, status) = await TenantCalls.FinishAsync(running);
        Assert.Equal(StatusCode.OK, status.StatusCode);
        Assert.Equal(1UL, responses[^1].Stats.VideoFramesAccepted);
        Assert.DoesNotContain(logs.Lines, l => l.Message.Contains("key-site", StringComparison.Ordinal));
    }

    private static async Task UntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + ReloadPatience;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the tenants file was not reloaded in time");
            await Task.Delay(50);
        }
    }
}
