using FastAV.Live.Server.Hosting.Compression;
using FastAV.Live.Server.Hosting.Interceptors;
using FastAV.Live.Server.Observability;
using FastAV.Live.Server.Tenants;
using Grpc.HealthCheck;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace FastAV.Live.Server.Hosting;

/// <summary>
/// The gRPC server in one place: Grpc.AspNetCore with our limits and compression providers, the interceptors
/// (cross-cutting work for every call, outermost first), grpc.health.v1 and server reflection (v1, v1alpha) from
/// their packages, and the drain sequence. `fastav serve` and the interop host both use it.
/// </summary>
public static class GrpcPipeline
{
    public static IServiceCollection AddGrpcPipeline(this IServiceCollection services, GrpcOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        services.AddSingleton(options);
        services.AddGrpc(o =>
        {
            o.MaxReceiveMessageSize = options.MaxReceiveMessageSize;
            o.MaxSendMessageSize = options.MaxSendMessageSize;
            o.EnableDetailedErrors = options.EnableDetailedErrors;
            o.CompressionProviders =
            [
                new BoundedCompressionProvider(BoundedCompressionProvider.Gzip, options.MaxReceiveMessageSize),
                new BoundedCompressionProvider(BoundedCompressionProvider.Deflate, options.MaxReceiveMessageSize),
            ];
            o.ResponseCompressionAlgorithm = options.ResponseCompression == "identity" ? null : options.ResponseCompression;
            o.ResponseCompressionLevel = options.ResponseCompressionLevel;

            // Every call passes these in order. Metrics are outermost, so they time and count every outcome; auth after
            // logging, so a refused call is logged with its peer; quota trailers inside auth, so every RESOURCE_EXHAUSTED
            // by a quota the handler throws gets its retry details.
            o.Interceptors.Add<CallTelemetryInterceptor>();
            o.Interceptors.Add<CallLoggingInterceptor>();
            o.Interceptors.Add<MethodPathInterceptor>();
            o.Interceptors.Add<AuthInterceptor>();
            o.Interceptors.Add<QuotaInterceptor>();
            o.Interceptors.Add<DrainInterceptor>();
        });
        services.AddGrpcReflection();
        services.TryAddSingleton(new ServerOptions());
        services.TryAddSingleton<ServerDrain>();
        // Tenants: without an AuthOptions from the host (fastav serve binds section "Auth") the pipeline is open.
        services.TryAddSingleton(new AuthOptions());
        services.TryAddSingleton<TenantDirectory>();
        services.TryAddSingleton<CallerAuthenticator>();
        services.TryAddSingleton<HttpCallerCheck>();
        // The side port's /metrics and /dashboard ask the same credentials as the API (open without a tenants file).
        services.TryAddSingleton<IHttpSideAccess>(sp => sp.GetRequiredService<HttpCallerCheck>());
        services.TryAddSingleton<TrustMetrics>();
        services.AddHostedService<TenantsFileWatcher>();
        services.TryAddSingleton<HealthServiceImpl>();
        services.TryAddSingleton<ServerHealth>();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<StreamBoard>();
        services.TryAddSingleton<LiveMetrics>();
        services.AddHostedService<DrainService>();
        return services;
    }

    /// <summary>Maps health and reflection; the host maps its own services and marks them serving (<see cref="ServerHealth.Serve"/>).</summary>
    public static IEndpointRouteBuilder MapGrpcPipeline(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapGrpcService<HealthServiceImpl>();
        endpoints.MapGrpcReflectionService();
        return endpoints;
    }
}
