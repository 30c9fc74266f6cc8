using FastAV.Live.Server.Hosting;
using FastAV.Live.Server.Inference;
using FastAV.Live.Server.Streams;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FastAV.Live.Server.Tests;

/// <summary>The real `fastav serve` host (ServerHost.Build) on 127.0.0.1, random port, h2c.</summary>
public sealed class LiveServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private LiveServer(WebApplication app, Uri address, Uri httpAddress)
    {
        _app = app;
        Address = address;
        HttpAddress = httpAddress;
    }

    public Uri Address { get; }

    /// <summary>The HTTP side port: /metrics, /healthz, /readyz, /dashboard.</summary>
    public Uri HttpAddress { get; }

    /// <summary>"127.0.0.1:port", as grpcio wants it.</summary>
    public string Target => $"{Address.Host}:{Address.Port}";

    public StreamRegistry Registry => _app.Services.GetRequiredService<StreamRegistry>();

    public IServiceProvider Services => _app.Services;

    public WebApplication App => _app;

    /// <summary>
    /// Ingest only (no model) unless <paramref name="inference"/> names one: most tests are about the protocol.
    /// <paramref name="settings"/> are more command-line settings ("--Http2:KeepAlivePingDelay", "00:00:01").
    /// </summary>
    /// <param name="logging">Log providers to add (none by default).</param>
    public static Task<LiveServer> StartAsync(
        Action<LiveAnalyticsOptions>? configure = null, Action<InferenceOptions>? inference = null, Action<ILoggingBuilder>? logging = null, params string[] settings) =>
        StartWithHostAsync(configure, inference, logging is null ? null : b => logging(b.Logging), settings);

    /// <summary>As <see cref="StartAsync"/>, with more services registered (a test's <see cref="TestFaultInjection"/>).</summary>
    public static Task<LiveServer> StartWithServicesAsync(
        Action<LiveAnalyticsOptions>? configure, Action<InferenceOptions>? inference, Action<IServiceCollection>? services, Action<ILoggingBuilder>? logging = null, params string[] settings) =>
        StartWithHostAsync(configure, inference, b =>
        {
            services?.Invoke(b.Services);
            logging?.Invoke(b.Logging);
        }, settings);

    /// <summary>As <see cref="StartAsync"/>; <paramref name="host"/> adds services or log providers (a fake clock, a log recorder) after the host's own.</summary>
    public static async Task<LiveServer> StartWithHostAsync(
        Action<LiveAnalyticsOptions>? configure, Action<InferenceOptions>? inference, Action<WebApplicationBuilder>? host, params string[] settings)
    {
        // --urls first so a setting can replace it (https:// for TLS tests).
        var app = ServerHost.Build(
            ["--urls", "http://127.0.0.1:0", "--Server:HttpUrls", "http://127.0.0.1:0", .. settings],
            builder =>
            {
                builder.Logging.ClearProviders();
                if (configure is not null)
                {
                    builder.Services.Configure(configure);
                }

                builder.Services.Configure(inference ?? (o => o.Model = ModelHost.None));
                host?.Invoke(builder);
            });
        try
        {
            await app.StartAsync();
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        // Listeners in the order ServerHost configures them: gRPC, then the HTTP side port.
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Select(a => new Uri(a)).ToArray();
        return new LiveServer(app, addresses[0], addresses[^1]);
    }

    public GrpcChannel CreateChannel() => GrpcChannel.ForAddress(Address);

    public async ValueTask DisposeAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _app.StopAsync(cts.Token);
        await _app.DisposeAsync();
    }
}
