using FastAV.Live.Server.Hosting;
using FastAV.Live.Server.Observability.Dashboard;

namespace FastAV.Live.Server.Observability;

/// <summary>
/// What the plain HTTP side port serves: /healthz (the process answers), /readyz (model loaded and not draining),
/// /metrics (Prometheus text from the OpenTelemetry exporter) and /dashboard. Each endpoint carries
/// <see cref="HttpSideEndpoint"/> metadata, so the gRPC listeners never serve them and the side port serves nothing else.
/// </summary>
public static class HttpSideEndpoints
{
    public static IEndpointRouteBuilder MapHttpSide(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapGet("/healthz", () => Results.Text("ok\n")).WithMetadata(HttpSideEndpoint.Probe);
        endpoints.MapGet("/readyz", (ServerReadiness readiness) =>
            readiness.IsReady ? Results.Text("ready\n") : Results.Text(readiness.State + "\n", statusCode: StatusCodes.Status503ServiceUnavailable))
            .WithMetadata(HttpSideEndpoint.Probe);
        endpoints.MapPrometheusScrapingEndpoint("/metrics").WithMetadata(HttpSideEndpoint.Guarded);
        endpoints.MapDashboard().WithMetadata(HttpSideEndpoint.Guarded);
        return endpoints;
    }
}
