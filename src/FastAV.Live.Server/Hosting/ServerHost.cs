using FastAV.Live.Contracts.V1;
using FastAV.Live.Server.Observability;
using FastAV.Live.Server.Services;
using FastAV.Live.Server.Streams;
using FastAV.Live.Server.Tenants;
using Microsoft.Extensions.Options;

namespace FastAV.Live.Server.Hosting;

/// <summary>Builds the `fastav serve` application: options, listeners, the gRPC pipeline, LiveAnalytics, draining. Program.cs and tests share it.</summary>
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
        var serverOptions = Bind<ServerOptions>(builder.Configuration, ServerOptions.SectionName);
        serverOptions.Validate();
        var grpcOptions = Bind<GrpcOptions>(builder.Configuration, GrpcOptions.SectionName);
        var http2 = Bind<Http2LimitOptions>(builder.Configuration, Http2LimitOptions.SectionName);
        Fail(http2.Validate());
        var authOptions = Bind<AuthOptions>(builder.Configuration, AuthOptions.SectionName);
        authOptions.Validate();

        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        // The library logs every non-OK status at Information; our interceptor logs each call's end (Debug) with its stream.
        builder.Logging.AddFilter("Grpc.AspNetCore.Server", LogLevel.Warning);
        builder.Services.AddSingleton(serverOptions);
        builder.Services.AddSingleton(http2);
        builder.Services.AddSingleton(authOptions);
        // The drain (health NOT_SERVING for DrainDelay, then calls end) runs first; ShutdownTimeout is what in-flight calls get after it.
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = serverOptions.DrainDelay + serverOptions.ShutdownTimeout);
        builder.WebHost.ConfigureKestrel(kestrel => KestrelEndpoints.Configure(kestrel, serverOptions, http2));
        builder.Services.AddGrpcPipeline(grpcOptions);
        builder.Services.AddLiveAnalytics(builder.Configuration);
        builder.AddObservability();
        configure?.Invoke(builder);

        var app = builder.Build();
        app.Services.ValidateLiveAnalyticsOptions();
        _ = app.Services.GetRequiredService<LiveTelemetry>(); // its instruments exist (at 0) before the first scrape
        // The tenants file loads now: a bad one stops start-up; none at all is logged as an open server, once.
        app.Services.GetRequiredService<TenantDirectory>().AnnounceOpen();
        var live = app.Services.GetRequiredService<IOptions<LiveAnalyticsOptions>>().Value;
        Fail(grpcOptions.Validate(Math.Max(live.MaxVideoPayloadBytes, live.MaxAudioPayloadBytes)));

        app.UseHttpSidePort();
        app.MapGrpcPipeline();
        app.MapGrpcService<LiveAnalyticsService>();
        app.MapHttpSide();
        app.Services.GetRequiredService<ServerHealth>().Serve(LiveAnalytics.Descriptor.FullName);
        return app;
    }

    private static T Bind<T>(IConfiguration configuration, string section)
        where T : new() =>
        configuration.GetSection(section).Get<T>() ?? new T();

    private static void Fail(List<string> failures)
    {
        if (failures.Count > 0)
        {
            throw new InvalidOperationException(string.Join(" ", failures));
        }
    }
}
