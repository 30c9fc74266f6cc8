using System.Collections.Concurrent;
using System.Net;
using FastAV.Live.Server.Tests.Observability.Otlp;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FastAV.Live.Server.Tests.Observability;

/// <summary>
/// An OTLP trace receiver on loopback, as a collector would run one: OTLP/HTTP (POST /v1/traces, protobuf body) on an
/// HTTP/1.1 port and OTLP/gRPC (TraceService/Export) on an h2c port. Every span received is decoded and kept.
/// </summary>
internal sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;

    private OtlpReceiver(WebApplication app, Uri http, Uri grpc)
    {
        _app = app;
        HttpEndpoint = http;
        GrpcEndpoint = grpc;
    }

    /// <summary>Base address for OTLP/HTTP (the exporter posts to its /v1/traces).</summary>
    public Uri HttpEndpoint { get; }

    public Uri GrpcEndpoint { get; }

    public ConcurrentQueue<(Resource Resource, Span Span)> Spans { get; } = new();

    /// <summary>Content types of the OTLP/HTTP requests received.</summary>
    public ConcurrentQueue<string> HttpContentTypes { get; } = new();

    public static async Task<OtlpReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, 0, l => l.Protocols = HttpProtocols.Http1);
            k.Listen(IPAddress.Loopback, 0, l => l.Protocols = HttpProtocols.Http2);
        });
        builder.Services.AddGrpc();
        OtlpReceiver? receiver = null;
        builder.Services.AddSingleton(_ => new TraceExport(r => receiver!.Add(r)));
        var app = builder.Build();
        app.MapPost("/v1/traces", async (HttpContext context) =>
        {
            receiver!.HttpContentTypes.Enqueue(context.Request.ContentType ?? "");
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body);
            receiver.Add(ExportTraceServiceRequest.Parser.ParseFrom(body.ToArray()));
            context.Response.ContentType = "application/x-protobuf";
            await context.Response.Body.WriteAsync(new ExportTraceServiceResponse().ToByteArray());
        });
        app.MapGrpcService<TraceExport>();
        await app.StartAsync();
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Select(a => new Uri(a)).ToArray();
        receiver = new OtlpReceiver(app, addresses[0], addresses[1]);
        return receiver;
    }

    /// <summary>Waits until the spans received satisfy <paramref name="done"/> (exporters batch; the test flushes first).</summary>
    public async Task<List<(Resource Resource, Span Span)>> WaitAsync(Func<List<(Resource Resource, Span Span)>, bool> done)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var spans = Spans.ToList();
            if (done(spans) || DateTime.UtcNow > deadline) return spans;
            await Task.Delay(50);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private void Add(ExportTraceServiceRequest request)
    {
        foreach (var resource in request.ResourceSpans)
        {
            foreach (var scope in resource.ScopeSpans)
            {
                foreach (var span in scope.Spans) Spans.Enqueue((resource.Resource, span));
            }
        }
    }

    /// <summary>OTLP/gRPC's TraceService.</summary>
    private sealed class TraceExport(Action<ExportTraceServiceRequest> received) : TraceService.TraceServiceBase
    {
        public override Task<ExportTraceServiceResponse> Export(ExportTraceServiceRequest request, ServerCallContext context)
        {
            received(request);
            return Task.FromResult(new ExportTraceServiceResponse());
        }
    }
}
