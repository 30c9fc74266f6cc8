using FastAV.Live.Server.Tests.EndToEnd;

namespace FastAV.Live.Server.Tests.Observability;

/// <summary>The real host with models/fastav-tiny and its HTTP side port on a free loopback port, plus an HTTP/1.1 client for it.</summary>
internal static class ObservedServer
{
    public static Task<LiveServer> StartAsync(params string[] settings) =>
        LiveServer.StartAsync(
            null,
            o =>
            {
                // Windows arrive faster than real time: a long backlog keeps every one, so counts are exact.
                o.Model = Path.Combine(PythonProbe.RepoRoot, "models", "fastav-tiny");
                o.MaxBacklogSeconds = 60;
                o.MaxQueuedWindows = 64;
            },
            null,
            settings);

    public static HttpClient Http(LiveServer server) => new() { BaseAddress = server.HttpAddress, Timeout = EndToEndServer.Patience };

    public static async Task<PrometheusText> ScrapeAsync(HttpClient http)
    {
        using var response = await http.GetAsync(new Uri("/metrics", UriKind.Relative));
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.MediaType ?? "", StringComparison.Ordinal);
        return PrometheusText.Parse(await response.Content.ReadAsStringAsync());
    }

    /// <summary>Scrapes until <paramref name="done"/> holds (the exporter caches a scrape for 300 ms).</summary>
    public static async Task<PrometheusText> ScrapeUntilAsync(HttpClient http, Func<PrometheusText, bool> done)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var metrics = await ScrapeAsync(http);
            if (done(metrics) || DateTime.UtcNow > deadline) return metrics;
            await Task.Delay(100);
        }
    }
}
