using FastAV.Live.Grpc.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace FastAV.Live.Grpc;

/// <summary>Adds the gRPC server to an ASP.NET Core host: services are <see cref="IGrpcService"/>s in DI.</summary>
public static class GrpcHosting
{
    public static IServiceCollection AddGrpcServer(this IServiceCollection services, Action<GrpcServerOptions>? configure = null)
    {
        services.AddSingleton<GrpcServerLifetime>();
        var builder = services.AddOptions<GrpcServerOptions>();
        if (configure is not null)
        {
            builder.Configure(configure);
        }

        return services;
    }

    public static IServiceCollection AddGrpcService<TService>(this IServiceCollection services)
        where TService : class, IGrpcService =>
        services.AddSingleton<IGrpcService, TService>();

    /// <summary>Serves every registered <see cref="IGrpcService"/>; non-gRPC requests continue down the pipeline.</summary>
    public static IApplicationBuilder UseGrpcServer(this IApplicationBuilder app)
    {
        var services = app.ApplicationServices;
        if (services.GetRequiredService<IOptions<GrpcServerOptions>>().Value.EndCallsOnStopping)
        {
            var lifetime = services.GetRequiredService<GrpcServerLifetime>();
            services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.Register(lifetime.BeginShutdown);
        }

        return app.UseMiddleware<GrpcMiddleware>();
    }
}
