using FastAV.Live.Server.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FastAV.Live.Client.Tests;

/// <summary>
/// The real `fastav serve` application (ServerHost.Build, as Program.cs runs it) on 127.0.0.1 with a random
/// port. Records the authorization header of every request, so tests can see what the client sent.
/// </summary>
public sealed class LoopbackServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly List<string> _authorizations;
    private readonly List<string> _streamIds;

    private LoopbackServer(WebApplication app, List<string> authorizations, List<string> streamIds)
    {
        _app = app;
        _authorizations = authorizations;
        _streamIds = streamIds;
    }

    public Uri Address { get; private set; } = null!;

    public string Url => Address.ToString().TrimEnd('/');

    public IReadOnlyList<string> Authorizations
    {
        get
        {
            lock (_authorizations)
            {
                return [.. _authorizations];
            }
        }
    }

    /// <summary>Every request's x-fastav-stream-id metadata as "path=value" ("path=" when it had none), in arrival order.</summary>
    public IReadOnlyList<string> StreamIdHeaders
    {
        get
        {
            lock (_streamIds)
            {
                return [.. _streamIds];
            }
        }
    }

    /// <summary>An ingest-only server (Inference:Model = none): questions get FAILED_PRECONDITION "no model loaded".</summary>
    /// <param name="settings">Extra configuration as command-line pairs, e.g. "--LiveAnalytics:StatsInterval", "01:00:00".</param>
    public static Task<LoopbackServer> StartAsync(params string[] settings) => StartAsync(model: false, settings);

    /// <summary>A server with the embedded models/fastav-tiny loaded (<paramref name="model"/>) or ingest only.</summary>
    public static Task<LoopbackServer> StartAsync(bool model, params string[] settings) => StartAsync(model, null, settings);

    /// <summary>As <see cref="StartAsync(bool, string[])"/>, with more set-up of the host (e.g. an interceptor that injects faults).</summary>
    public static async Task<LoopbackServer> StartAsync(bool model, Action<WebApplicationBuilder>? configure, params string[] settings)
    {
        if (!model)
        {
            settings = ["--Inference:Model", "none", .. settings];
        }

        var authorizations = new List<string>();
        var streamIds = new List<string>();
        var app = ServerHost.Build(
            ["--urls", "http://127.0.0.1:0", "--Server:HttpUrls=", .. settings],
            builder =>
            {
                builder.Logging.ClearProviders();
                builder.Services.AddSingleton<IStartupFilter>(new AuthorizationRecorder(authorizations, streamIds));
                configure?.Invoke(builder);
            });
        var server = new LoopbackServer(app, authorizations, streamIds);
        try
        {
            await app.StartAsync();
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        server.Address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return server;
    }

    public LiveAnalyticsClient CreateClient(LiveClientOptions? options = null) => LiveAnalyticsClient.Create(Url, options);

    public async ValueTask DisposeAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _app.StopAsync(cts.Token);
        await _app.DisposeAsync();
    }
}
