using System.Net;
using FastAV.Live.Grpc;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using FastAV.Live.Server.Inference;
using FastAV.Live.Server.Services;
using FastAV.Live.Server.Streams;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace FastAV.Live.Server.Tests;

/// <summary>A real Kestrel server on 127.0.0.1 (random port, h2c) serving LiveAnalytics as Program.cs registers it.</summary>
public sealed class LiveServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private LiveServer(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    public Uri Address { get; }

    /// <summary>"127.0.0.1:port", as grpcio wants it.</summary>
    public string Target => $"{Address.Host}:{Address.Port}";

    public StreamRegistry Registry => _app.Services.GetRequiredService<StreamRegistry>();

    public IServiceProvider Services => _app.Services;

    /// <summary>Ingest only (no model) unless <paramref name="inference"/> names one: most tests are about the protocol.</summary>
    /// <param name="logging">Log providers to add (none by default).</param>
    public static async Task<LiveServer> StartAsync(Action<LiveAnalyticsOptions>? configure = null, Action<InferenceOptions>? inference = null, Action<ILoggingBuilder>? logging = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        logging?.Invoke(builder.Logging);
        // h2c with prior knowledge needs an HTTP/2-only endpoint.
        builder.WebHost.ConfigureKestrel(o => o.Listen(IPAddress.Loopback, 0, l => l.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpcServer();
        builder.Services.AddLiveAnalytics(builder.Configuration, configure, inference ?? (o => o.Model = ModelHost.None));
        var app = builder.Build();
        app.UseGrpcServer();
        try
        {
            await app.StartAsync();
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Select(a => new Uri(a)).First();
        return new LiveServer(app, address);
    }

    public GrpcChannel CreateChannel() => GrpcChannel.ForAddress(Address);

    public async ValueTask DisposeAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _app.StopAsync(cts.Token);
        await _app.DisposeAsync();
    }
}
