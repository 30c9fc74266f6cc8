using FastAV.Live.Server.Hosting;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FastAV.Live.Benchmarks.Auth;

/// <summary>One configuration under test: the real `fastav serve` host (ingest only) in this process, on a free loopback port.</summary>
internal sealed class TrustServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TrustServer(string name, WebApplication app, Uri address)
    {
        Name = name;
        _app = app;
        Address = address;
    }

    public string Name { get; }

    public Uri Address { get; }

    public static async Task<TrustServer> StartAsync(string name, params string[] settings)
    {
        var app = ServerHost.Build(["--urls", "http://127.0.0.1:0", "--Server:HttpUrls=", "--Inference:Model", "none", "--LiveAnalytics:StatsInterval", "01:00:00", .. settings], b => b.Logging.ClearProviders());
        await app.StartAsync();
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return new TrustServer(name, app, address);
    }

    public GrpcChannel CreateChannel() => GrpcChannel.ForAddress(Address);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
