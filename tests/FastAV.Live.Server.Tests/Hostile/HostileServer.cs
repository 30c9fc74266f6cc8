using System.Net;
using FastAV.Live.Server.Hosting;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FastAV.Live.Server.Tests.Hostile;

/// <summary>
/// The real `fastav serve` host (ServerHost.Build: its Kestrel limits, gRPC options, compression providers,
/// interceptors) with the test <see cref="EchoService"/> mapped beside LiveAnalytics, on 127.0.0.1. Besides the
/// h2c endpoint of the configuration, an HTTP/1.1-only endpoint lets tests send what an HTTP/1.1 client would.
/// </summary>
public sealed class HostileServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private HostileServer(WebApplication app, Uri address, Uri http1Address)
    {
        _app = app;
        Address = address;
        Http1Address = http1Address;
    }

    /// <summary>The h2c endpoint.</summary>
    public Uri Address { get; }

    /// <summary>An HTTP/1.1-only endpoint of the same app.</summary>
    public Uri Http1Address { get; }

    public EchoService Echo => _app.Services.GetRequiredService<EchoService>();

    /// <summary>The receive limit the server runs with (the default of Grpc:MaxReceiveMessageSize).</summary>
    public static int MaxReceiveMessageSize => new GrpcOptions().MaxReceiveMessageSize;

    public static async Task<HostileServer> StartAsync()
    {
        var app = ServerHost.Build(
            ["--urls", "http://127.0.0.1:0", "--Server:HttpUrls=", "--Inference:Model", "none"],
            builder =>
            {
                builder.Logging.ClearProviders();
                builder.Services.AddSingleton<EchoService>();
                builder.WebHost.ConfigureKestrel(o => o.Listen(IPAddress.Loopback, 0, l => l.Protocols = HttpProtocols.Http1));
            });
        app.MapGrpcService<EchoService>();
        try
        {
            await app.StartAsync();
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Select(a => new Uri(a)).ToArray();
        return new HostileServer(app, addresses[0], addresses[1]);
    }

    public GrpcChannel CreateChannel() => GrpcChannel.ForAddress(Address);

    public async ValueTask DisposeAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _app.StopAsync(cts.Token);
        await _app.DisposeAsync();
    }
}
