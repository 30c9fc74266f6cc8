using System.Net;
using FastAV.Live.Server.Hosting;
using FastAV.Live.Server.Hosting.Compression;
using Grpc.AspNetCore.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FastAV.Live.InteropHost;

/// <summary>
/// Kestrel on 127.0.0.1, h2c (HTTP/2 with prior knowledge), serving <see cref="InteropTestService"/> on the same gRPC
/// pipeline as `fastav serve` (<see cref="GrpcPipeline"/>: limits, compression providers, interceptors, health,
/// reflection, drain) and the same HTTP/2 limits.
/// </summary>
public static class InteropServer
{
    /// <summary>Starts the server; port 0 picks a free one (read it from the returned app's <see cref="BoundPort"/>).</summary>
    public static async Task<WebApplication> StartAsync(int port, LogLevel logLevel = LogLevel.Warning, CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        builder.Logging.SetMinimumLevel(logLevel);
        var http2 = new Http2LimitOptions();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            // Without TLS, Kestrel speaks HTTP/2 only on an HTTP/2-only endpoint (no h2c upgrade).
            kestrel.Listen(IPAddress.Loopback, port, listen => listen.Protocols = HttpProtocols.Http2);
            http2.Apply(kestrel.Limits.Http2);
        });
        var grpc = new GrpcOptions { EnableDetailedErrors = true };
        builder.Services.AddGrpcPipeline(grpc);

        // expect_compressed is about one message's compressed flag, which the library does not show a handler:
        // the gzip provider notes each message it inflates on the call's HttpContext (CompressedRequests).
        builder.Services.AddHttpContextAccessor();
        builder.Services.PostConfigure<GrpcServiceOptions>(o =>
        {
            var accessor = new HttpContextAccessor();
            o.CompressionProviders = [.. o.CompressionProviders.Select(p => p.EncodingName == BoundedCompressionProvider.Gzip ? new CompressedRequests(p, accessor) : p)];
        });

        var app = builder.Build();
        app.MapGrpcPipeline();
        app.MapGrpcService<InteropTestService>();
        app.Services.GetRequiredService<ServerHealth>().Serve(Grpc.Testing.TestService.Descriptor.FullName);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        return app;
    }

    public static int BoundPort(WebApplication app)
    {
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new Uri(address).Port;
    }
}
