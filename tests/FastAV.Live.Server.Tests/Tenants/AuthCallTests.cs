using FastAV.Live.Server.Tenants;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Reflection.V1Alpha;
using Microsoft.Extensions.DependencyInjection;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace FastAV.Live.Server.Tests.Tenants;

/// <summary>
/// Every authentication outcome of every LiveAnalytics call kind, with the official .NET client against the real
/// server on loopback and a real tenants file: no key, an unknown key, a malformed header, a key whose tenant lacks
/// the role, a key whose tenant holds it. Health answers without a key, reflection too unless configured otherwise.
/// </summary>
public sealed class AuthCallTests(TenantServerFixture fixture) : IClassFixture<TenantServerFixture>
{
    private readonly TenantServerFixture _fixture = fixture;
    private readonly LiveServer _server = fixture.Server;
    private readonly LogRecorder _logs = fixture.Logs;

    public static TheoryData<string> Methods => new() { "Stream", "Ask", "ListStreams", "GetStream" };

    [Theory]
    [MemberData(nameof(Methods))]
    public async Task No_credential_is_unauthenticated(string method)
    {
        using var channel = _server.CreateChannel();
        var status = await TenantCalls.CallAsync(channel, method, []);
        Assert.Equal(StatusCode.Unauthenticated, status.StatusCode);
        Assert.Equal("authentication: no credentials: send metadata \"authorization: Bearer <API key>\" or connect with a client certificate", status.Detail);
        Assert.True(_server.Services.GetRequiredService<TrustMetrics>().AuthRefusals(method, StatusCode.Unauthenticated) >= 1);
    }

    [Theory]
    [MemberData(nameof(Methods))]
    public async Task An_unknown_key_is_unauthenticated_and_never_logged(string method)
    {
        using var channel = _server.CreateChannel();
        var status = await TenantCalls.CallAsync(channel, method, TenantCalls.Key("not-a-key-of-anyone"));
        Assert.Equal(StatusCode.Unauthenticated, status.StatusCode);
        Assert.Equal("authentication: unknown API key", status.Detail);
        Assert.Contains(_logs.Lines, l => l.Message.Contains("authentication: unknown API key", StringComparison.Ordinal));
        Assert.DoesNotContain(_logs.Lines, l => l.Message.Contains("not-a-key-of-anyone", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Stream", "Basic a2V5LXNpdGUtYQ==")]
    [InlineData("Ask", "Bearer")]
    [InlineData("ListStreams", "key-site-a")]
    [InlineData("GetStream", "Bearer key-site-a extra")]
    public async Task A_malformed_authorization_header_is_unauthenticated(string method, string header)
    {
        using var channel = _server.CreateChannel();
        var status = await TenantCalls.CallAsync(channel, method, new Metadata { { "authorization", header } });
        Assert.Equal(StatusCode.Unauthenticated, status.StatusCode);
        Assert.Equal("authentication: the authorization header must be \"Bearer <API key>\"", status.Detail);
    }

    [Theory]
    [InlineData("Stream", "reader", "stream")]
    [InlineData("Stream", "ops", "stream")]
    [InlineData("Ask", "streamer", "ask")]
    [InlineData("Ask", "reader", "ask")]
    [InlineData("ListStreams", "streamer", "read")]
    [InlineData("ListStreams", "asker", "read")]
    [InlineData("GetStream", "asker", "read")]
    public async Task A_tenant_without_the_role_is_permission_denied(string method, string tenant, string role)
    {
        using var channel = _server.CreateChannel();
        var status = await TenantCalls.CallAsync(channel, method, TenantCalls.As(tenant));
        Assert.Equal(StatusCode.PermissionDenied, status.StatusCode);
        Assert.StartsWith($"{method} needs role '{role}'; tenant '{tenant}' has ", status.Detail, StringComparison.Ordinal);
        Assert.True(_server.Services.GetRequiredService<TrustMetrics>().AuthRefusals(method, StatusCode.PermissionDenied) >= 1);
    }

    [Theory]
    [InlineData("Stream", "site-a", StatusCode.OK)]
    [InlineData("Stream", "streamer", StatusCode.OK)]
    [InlineData("Ask", "site-a", StatusCode.NotFound)]
    [InlineData("Ask", "asker", StatusCode.NotFound)]
    [InlineData("ListStreams", "site-a", StatusCode.OK)]
    [InlineData("ListStreams", "reader", StatusCode.OK)]
    [InlineData("GetStream", "reader", StatusCode.NotFound)]
    [InlineData("GetStream", "ops", StatusCode.NotFound)]
    public async Task A_tenant_with_the_role_gets_past_authentication(string method, string tenant, StatusCode expected)
    {
        // NOT_FOUND: the call reached the service and looked for the stream (there is none), past auth.
        using var channel = _server.CreateChannel();
        var status = await TenantCalls.CallAsync(channel, method, TenantCalls.As(tenant));
        Assert.Equal(expected, status.StatusCode);
        if (expected == StatusCode.NotFound)
        {
            Assert.EndsWith("no live stream 'cam-1'", status.Detail, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Hostile_authorization_headers_are_refused_and_the_server_goes_on()
    {
        using var channel = _server.CreateChannel();
        var twice = new Metadata { { "authorization", "Bearer " + TenantsFileWriter.KeyOf("reader") }, { "authorization", "Bearer " + TenantsFileWriter.KeyOf("site-a") } };
        var doubled = await TenantCalls.CallAsync(channel, "ListStreams", twice);
        Assert.Equal(StatusCode.Unauthenticated, doubled.StatusCode);
        // HTTP/2 may carry the two fields, or the client joins them with a comma: refused either way.
        Assert.Contains(doubled.Detail, new[] { "authentication: more than one authorization header", "authentication: the authorization header must be \"Bearer <API key>\"" });

        var longKey = await TenantCalls.CallAsync(channel, "ListStreams", TenantCalls.Key(new string('k', 12_000)));
        Assert.Equal(StatusCode.Unauthenticated, longKey.StatusCode);
        Assert.Equal("authentication: unknown API key", longKey.Detail);

        // Beyond Kestrel's header limit (32 KiB) the request never reaches a handler; the connection's next call does.
        var huge = await TenantCalls.CallAsync(channel, "ListStreams", TenantCalls.Key(new string('k', 40_000)));
        Assert.NotEqual(StatusCode.OK, huge.StatusCode);
        Assert.DoesNotContain(new string('k', 64), huge.Detail, StringComparison.Ordinal);

        using var fresh = _server.CreateChannel();
        Assert.Equal(StatusCode.OK, (await TenantCalls.CallAsync(fresh, "ListStreams", TenantCalls.As("reader"))).StatusCode);
        Assert.DoesNotContain(_logs.Lines, l => l.Message.Contains(new string('k', 64), StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_bearer_scheme_is_case_insensitive()
    {
        using var channel = _server.CreateChannel();
        var status = await TenantCalls.CallAsync(channel, "ListStreams", new Metadata { { "authorization", "bearer " + TenantsFileWriter.KeyOf("reader") } });
        Assert.Equal(StatusCode.OK, status.StatusCode);
    }

    [Fact]
    public async Task Health_answers_without_a_key()
    {
        using var channel = _server.CreateChannel();
        var response = await new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest());
        Assert.Equal(ServingStatus.Serving, response.Status);
        var service = await new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest { Service = "fastav.live.v1.LiveAnalytics" });
        Assert.Equal(ServingStatus.Serving, service.Status);
    }

    [Fact]
    public async Task Reflection_answers_without_a_key_by_default()
    {
        using var channel = _server.CreateChannel();
        Assert.Contains("fastav.live.v1.LiveAnalytics", await ListServicesAsync(channel, []));
    }

    [Fact]
    public async Task Reflection_needs_a_valid_key_but_no_role_when_not_anonymous()
    {
        await using var server = await LiveServer.StartAsync(null, null, null, "--Auth:ApiKeysFile", _fixture.File.Path, "--Auth:AnonymousReflection", "false");
        using var channel = server.CreateChannel();
        var refused = await Assert.ThrowsAsync<RpcException>(() => ListServicesAsync(channel, []));
        Assert.Equal(StatusCode.Unauthenticated, refused.StatusCode);
        Assert.Equal(StatusCode.Unauthenticated, (await Assert.ThrowsAsync<RpcException>(() => ListServicesAsync(channel, TenantCalls.Key("wrong")))).StatusCode);
        var services = await ListServicesAsync(channel, TenantCalls.As("asker"));
        Assert.Contains("fastav.live.v1.LiveAnalytics", services);
        Assert.Equal(Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus.Serving, (await new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest())).Status);
    }

    private static async Task<List<string>> ListServicesAsync(Grpc.Net.Client.GrpcChannel channel, Metadata headers)
    {
        using var call = new ServerReflection.ServerReflectionClient(channel).ServerReflectionInfo(headers, DateTime.UtcNow + TenantCalls.Patience);
        await call.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = "" });
        await call.RequestStream.CompleteAsync();
        var names = new List<string>();
        while (await call.ResponseStream.MoveNext())
        {
            names.AddRange(call.ResponseStream.Current.ListServicesResponse.Service.Select(s => s.Name));
        }

        return names;
    }
}
