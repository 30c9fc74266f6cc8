using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FastAV.Live.Grpc.Tests;

/// <summary>A real Kestrel server on 127.0.0.1 (random port, HTTP/1.1 and h2c) serving the given gRPC services.</summary>
public sealed class LoopbackServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private LoopbackServer(WebApplication app, Uri address, Uri http1Address)
    {
        _app = app;
        Address = address;
        Http1Address = http1Address;
    }

    /// <summary>The h2c endpoint.</summary>
    public Uri Address { get; }

    /// <summary>An HTTP/1.1-only endpoint of the same app.</summary>
    public Uri Http1Address { get; }

    public int Port => Address.Port;

    public IServiceProvider Services => _app.Services;

    public static async Task<LoopbackServer> StartAsync(Action<IServiceCollection> configureServices, Action<GrpcServerOptions>? configureGrpc = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(o =>
        {
            // Kestrel speaks h2c (HTTP/2 with prior knowledge) only on an HTTP/2-only endpoint; a second,
            // HTTP/1.1 endpoint lets tests send what an HTTP/1.1 client would.
            o.Listen(IPAddress.Loopback, 0, l => l.Protocols = HttpProtocols.Http2);
            o.Listen(IPAddress.Loopback, 0, l => l.Protocols = HttpProtocols.Http1);
            GrpcKestrelLimits.Apply(o.Limits);
        });
        builder.Services.AddGrpcServer(configureGrpc);
        configureServices(builder.Services);
        var app = builder.Build();
        app.UseGrpcServer();
        app.MapGet("/plain", () => "not grpc");
        await app.StartAsync();
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Select(a => new Uri(a)).ToArray();
        return new LoopbackServer(app, addresses[0], addresses[1]);
    }

    public GrpcChannel CreateChannel(GrpcChannelOptions? options = null) => GrpcChannel.ForAddress(Address, options);

    public async ValueTask DisposeAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _app.StopAsync(cts.Token);
        await _app.DisposeAsync();
    }
}
