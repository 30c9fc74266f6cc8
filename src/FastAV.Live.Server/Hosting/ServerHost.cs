using FastAV.Live.Contracts.V1;
using FastAV.Live.Grpc;
using FastAV.Live.Grpc.Health;
using FastAV.Live.Grpc.Reflection;
using FastAV.Live.Server.Services;
using Grpc.Health.V1;

namespace FastAV.Live.Server.Hosting;

/// <summary>Builds the `fastav serve` application: options, listeners, gRPC services, draining. Program.cs and tests share it.</summary>
public static class ServerHost
{
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        // --model DIR (or "none") is Inference:Model. --urls is accepted as ASP.NET Core users expect, but the listeners come from ServerOptions alone
        // (Kestrel would otherwise warn that its endpoints override the "urls" setting).
        args = args.Select(a => a switch
        {
            "--urls" => "--Server:Urls",
            _ when a.StartsWith("--urls=", StringComparison.Ordinal) => "--Server:Urls=" + a["--urls=".Length..],
            "--model" => "--Inference:Model",
            _ when a.StartsWith("--model=", StringComparison.Ordinal) => "--Inference:Model=" + a["--model=".Length..],
            _ => a,
        }).ToArray();
        var builder = WebApplication.CreateSlimBuilder(args);

        // Options: bound from configuration (appsettings, FASTAV_ environment variables, command line) and validated now.
        builder.Configuration.AddEnvironmentVariables("FASTAV_");
        var serverOptions = builder.Configuration.GetSection(ServerOptions.SectionName).Get<ServerOptions>() ?? new ServerOptions();
        serverOptions.Validate();

        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Services.AddSingleton(serverOptions);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = serverOptions.ShutdownTimeout);
        builder.WebHost.ConfigureKestrel(kestrel => KestrelEndpoints.Configure(kestrel, serverOptions));

        // gRPC: our services, health and reflection.
        builder.Services.AddGrpcServer(o =>
        {
            builder.Configuration.GetSection("Grpc").Bind(o);
            o.EndCallsOnStopping = false; // this host drains first, then ends calls (below)
        });
        var health = new HealthService();
        builder.Services.AddSingleton(health);
        builder.Services.AddSingleton<IGrpcService>(health);
        builder.Services.AddLiveAnalytics(builder.Configuration);
        health.SetStatus(LiveReflection.Descriptor.Services[0].FullName, HealthCheckResponse.Types.ServingStatus.Serving);
        builder.Services.AddSingleton<IGrpcService>(
            new ReflectionService([HealthReflection.Descriptor.Services[0], LiveReflection.Descriptor.Services[0]]));
        configure?.Invoke(builder);

        var app = builder.Build();
        app.Services.ValidateLiveAnalyticsOptions();
        app.UseGrpcServer();

        // Draining: health turns NOT_SERVING first, so probes and load balancers move away while calls are
        // still served; then running calls end with UNAVAILABLE (retry elsewhere) and the listeners close.
        var calls = app.Services.GetRequiredService<GrpcServerLifetime>();
        app.Lifetime.ApplicationStopping.Register(() =>
        {
            health.SetAllNotServing();
            if (serverOptions.DrainDelay > TimeSpan.Zero)
            {
                Thread.Sleep(serverOptions.DrainDelay);
            }

            calls.BeginShutdown();
        });
        return app;
    }
}
