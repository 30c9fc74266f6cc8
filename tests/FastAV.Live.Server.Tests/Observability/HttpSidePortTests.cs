using System.Net;
using System.Text.Json;
using FastAV.Live.Contracts.V1;
using FastAV.Live.Server.Hosting;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using FastAV.Live.Server.Tests.Tenants;
using Microsoft.Extensions.Logging;

namespace FastAV.Live.Server.Tests.Observability;

/// <summary>The plain HTTP/1.1 side port of the real host: probes, readiness on drain, what each listener serves, access with a tenants file, its settings.</summary>
public sealed class HttpSidePortTests
{
    [Fact]
    public async Task Probes_answer_on_the_side_port_and_nothing_else_does()
    {
        await using var server = await LiveServer.StartAsync();
        using var http = new HttpClient { BaseAddress = server.HttpAddress };

        using var health = await http.GetAsync(new Uri("/healthz", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal(new Version(1, 1), health.Version);
        Assert.Equal("ok\n", await health.Content.ReadAsStringAsync());
        using var ready = await http.GetAsync(new Uri("/readyz", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("ready\n", await ready.Content.ReadAsStringAsync());

        // Unknown paths, and a gRPC method over the side port, are 404.
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync(new Uri("/nothing", UriKind.Relative))).StatusCode);
        using var grpcOverSide = new HttpRequestMessage(HttpMethod.Post, "/fastav.live.v1.LiveAnalytics/ListStreams") { Content = new ByteArrayContent(new byte[5]) };
        grpcOverSide.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/grpc");
        Assert.Equal(HttpStatusCode.NotFound, (await http.SendAsync(grpcOverSide)).StatusCode);

        // The side port is HTTP/1.1 only: an HTTP/2 prior-knowledge request fails at the connection.
        using var h2 = new HttpRequestMessage(HttpMethod.Get, new Uri(server.HttpAddress, "/healthz")) { Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact };
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => http.SendAsync(h2));

        // The gRPC listener serves none of the side endpoints, and gRPC still works.
        using var h2c = new HttpClient();
        foreach (var path in new[] { "/metrics", "/healthz", "/readyz", "/dashboard" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(server.Address, path)) { Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact };
            Assert.Equal(HttpStatusCode.NotFound, (await h2c.SendAsync(request)).StatusCode);
        }

        using var channel = server.CreateChannel();
        Assert.Equal(0u, (await new LiveAnalytics.LiveAnalyticsClient(channel).ListStreamsAsync(new ListStreamsRequest())).TotalCount);
    }

    [Fact]
    public async Task Readiness_fails_from_the_first_moment_of_draining_while_calls_are_still_served()
    {
        await using var server = await LiveServer.StartAsync(null, null, null, "--Server:DrainDelay", "00:00:03");
        using var http = new HttpClient { BaseAddress = server.HttpAddress };
        using var channel = server.CreateChannel();
        var client = new LiveAnalytics.LiveAnalyticsClient(channel);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri("/readyz", UriKind.Relative))).StatusCode);

        var stopping = server.App.StopAsync();
        HttpResponseMessage? notReady = null;
        for (var i = 0; i < 100 && notReady is null; i++)
        {
            var response = await http.GetAsync(new Uri("/readyz", UriKind.Relative));
            if (response.StatusCode != HttpStatusCode.OK) notReady = response;
            else await Task.Delay(20);
        }

        Assert.NotNull(notReady);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, notReady.StatusCode);
        Assert.Equal("draining\n", await notReady.Content.ReadAsStringAsync());
        // The drain delay has begun: calls are still answered, liveness still holds.
        Assert.Equal(0u, (await client.ListStreamsAsync(new ListStreamsRequest())).TotalCount);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri("/healthz", UriKind.Relative))).StatusCode);
        await stopping;
    }

    [Fact]
    public async Task With_a_tenants_file_metrics_and_the_dashboard_need_read_and_admin_but_the_probes_never_do()
    {
        using var tenants = new TenantsFileWriter();
        await using var server = await LiveServer.StartAsync(null, null, null, "--Auth:ApiKeysFile", tenants.Path);
        using var http = new HttpClient { BaseAddress = server.HttpAddress };
        foreach (var path in new[] { "/metrics", "/dashboard", "/dashboard/api/state", "/dashboard/static/dashboard.js" })
        {
            using var anonymous = await http.GetAsync(new Uri(path, UriKind.Relative));
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
            Assert.Equal("Bearer", anonymous.Headers.WwwAuthenticate.Single().Scheme);
            foreach (var (tenant, expected) in new[] { ("reader", HttpStatusCode.Forbidden), ("site-a", HttpStatusCode.Forbidden), ("ops", HttpStatusCode.OK) })
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, path);
                request.Headers.Add("Authorization", "Bearer " + TenantsFileWriter.KeyOf(tenant));
                using var response = await http.SendAsync(request);
                Assert.Equal(expected, response.StatusCode);
                if (expected == HttpStatusCode.Forbidden)
                {
                    Assert.Contains($"needs role 'read, admin'; tenant '{tenant}'", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
                }
            }
        }

        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri("/healthz", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri("/readyz", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task The_dashboard_is_served_from_the_assembly_with_its_state_as_json_and_as_events()
    {
        await using var server = await LiveServer.StartAsync();
        using var http = new HttpClient { BaseAddress = server.HttpAddress };

        using var page = await http.GetAsync(new Uri("/dashboard", UriKind.Relative));
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("<title>FastAV.Live", html, StringComparison.Ordinal);
        foreach (var (name, type) in new[] { ("dashboard.js", "text/javascript"), ("dashboard.css", "text/css") })
        {
            using var file = await http.GetAsync(new Uri("/dashboard/static/" + name, UriKind.Relative));
            Assert.Equal(type, file.Content.Headers.ContentType?.MediaType);
            // Nothing is fetched from elsewhere: no CDN, no remote font.
            Assert.DoesNotContain("https://", await file.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        Assert.DoesNotContain("http", html.Replace("http-equiv", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync(new Uri("/dashboard/static/..%2Ffastav.dll", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync(new Uri("/dashboard/static/index.htm", UriKind.Relative))).StatusCode);

        using var state = JsonDocument.Parse(await http.GetStringAsync(new Uri("/dashboard/api/state", UriKind.Relative)));
        Assert.Equal("ready", state.RootElement.GetProperty("readiness").GetString());
        Assert.Equal(0, state.RootElement.GetProperty("streams").GetArrayLength());

        using var events = await http.GetAsync(new Uri("/dashboard/api/events", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal("text/event-stream", events.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await events.Content.ReadAsStreamAsync());
        Assert.Equal("event: state", await reader.ReadLineAsync());
        var data = await reader.ReadLineAsync();
        Assert.StartsWith("data: {", data, StringComparison.Ordinal);
        using var first = JsonDocument.Parse(data!["data: ".Length..]);
        Assert.Equal("ready", first.RootElement.GetProperty("readiness").GetString());
    }

    [Theory]
    [InlineData("--Server:HttpUrls", "https://127.0.0.1:0", "Server:HttpUrls 'https://127.0.0.1:0' must be an http:// address")]
    [InlineData("--Server:HttpUrls", "metrics-port", "Server:HttpUrls address 'metrics-port' is not an http:// or https:// URL with a port")]
    [InlineData("--Server:HttpUrls", "http://127.0.0.1:50077", "Server:HttpUrls 'http://127.0.0.1:50077' uses the port of a Server:Urls address")]
    [InlineData("--Logging:Format", "xml", "Logging:Format 'xml' must be simple or json")]
    [InlineData("--OpenTelemetry:Endpoint", "collector:4317", "OpenTelemetry:Endpoint 'collector:4317' must be an http:// or https:// URL")]
    [InlineData("--OpenTelemetry:Protocol", "thrift", "OpenTelemetry:Protocol 'thrift' must be grpc or http/protobuf")]
    [InlineData("--OpenTelemetry:SampleRatio", "1.5", "OpenTelemetry:SampleRatio (1.5) must be between 0 and 1")]
    [InlineData("--Dashboard:RefreshInterval", "00:00:00", "Dashboard:RefreshInterval (00:00:00) must be between")]
    [InlineData("--Dashboard:AnswersPerStream", "0", "Dashboard:AnswersPerStream (0) must be between 1 and 1000")]
    public void Bad_settings_stop_start_up_naming_the_setting(string key, string value, string message)
    {
        var ex = Assert.Throws<InvalidOperationException>(() => ServerHost.Build(["--urls", "http://127.0.0.1:50077", "--Inference:Model", "none", key, value]));
        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
    }
}
