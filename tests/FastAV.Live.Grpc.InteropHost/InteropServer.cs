using System.Net;
using FastAV.Live.Grpc.Health;
using FastAV.Live.Grpc.Reflection;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FastAV.Live.Grpc.InteropHost;

/// <summary>Kestrel on 127.0.0.1, h2c (HTTP/2 with prior knowledge), serving <see cref="InteropTestService"/>, health and reflection.</summary>
public static class InteropServer
{
    /// <summary>Starts the server; port 0 picks a free one (read it from the returned app's <see cref="BoundPort"/>).</summary>
    public static async Task<WebApplication> StartAsync(int port, LogLevel logLevel = LogLevel.Warning, CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        builder.Logging.SetMinimumLevel(logLevel);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            // Without TLS, Kestrel speaks HTTP/2 only on an HTTP/2-only endpoint (no h2c upgrade).
            kestrel.Listen(IPAddress.Loopback, port, listen => listen.Protocols = HttpProtocols.Http2);
            GrpcKestrelLimits.Apply(kestrel.Limits);
        });
        builder.Services.AddGrpcServer(options => options.EnableDetailedErrors = true);
        builder.Services.AddGrpcService<InteropTestService>();
        // Health and reflection as a production server has them, so probes and reflection tools work here too.
        var health = new HealthService();
        health.SetStatus(InteropMethods.TestServiceDescriptor.FullName, ServingStatus.Serving);
        builder.Services.AddSingleton<IGrpcService>(health);
        builder.Services.AddSingleton<IGrpcService>(new ReflectionService([InteropMethods.TestServiceDescriptor]));
        var app = builder.Build();
        app.UseGrpcServer();
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        return app;
    }

    public static int BoundPort(WebApplication app)
    {
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new Uri(address).Port;
    }
}
