using System.Diagnostics.Metrics;
using FastAV.Live.Server.Hosting;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace FastAV.Live.Server.Observability;

/// <summary>
/// Wires observability into the host: console log format, the telemetry hooks, OpenTelemetry metrics (this server's
/// meter, .NET's own runtime meter — GC, thread pool, process CPU and memory — and Kestrel's connections) read by the
/// Prometheus exporter at /metrics, and tracing exported by OTLP when OpenTelemetry:Endpoint is set. Every setting is
/// validated here; a bad one stops start-up with its name.
/// </summary>
public static class ObservabilityRegistration
{
    /// <summary>Meters exported besides ours: .NET's runtime meter and Kestrel's connection counts.</summary>
    public static readonly string[] FrameworkMeters = ["System.Runtime", "Microsoft.AspNetCore.Server.Kestrel"];

    public static WebApplicationBuilder AddObservability(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var logFormat = Bind<LogFormatOptions>(builder.Configuration, LogFormatOptions.SectionName);
        var tracing = Bind<OpenTelemetryOptions>(builder.Configuration, OpenTelemetryOptions.SectionName);
        var dashboard = Bind<DashboardOptions>(builder.Configuration, DashboardOptions.SectionName);
        var failures = logFormat.Validate().Concat(tracing.Validate()).Concat(dashboard.Validate()).ToList();
        if (failures.Count > 0)
        {
            throw new InvalidOperationException(string.Join(" ", failures));
        }

        if (logFormat.Format == "json")
        {
            // One JSON object per line with the scopes: the call's method, peer and stream id, and the trace and span ids.
            builder.Logging.AddJsonConsole(o =>
            {
                o.IncludeScopes = true;
                o.UseUtcTimestamp = true;
                o.TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";
            });
            builder.Logging.Configure(o => o.ActivityTrackingOptions = ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId);
        }

        var services = builder.Services;
        services.AddSingleton(Microsoft.Extensions.Options.Options.Create(logFormat));
        services.AddSingleton(Microsoft.Extensions.Options.Options.Create(dashboard));
        services.AddSingleton(tracing);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<StreamBoard>();
        services.TryAddSingleton<LiveMetrics>();
        services.TryAddSingleton<LiveTelemetry>();
        services.TryAddSingleton<ServerReadiness>();
        services.TryAddSingleton<Dashboard.DashboardSnapshot>();

        var otel = services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(tracing.ServiceName))
            .WithMetrics(metrics => metrics
                .AddMeter([LiveMetrics.MeterName, Tenants.TrustMetrics.MeterName, .. FrameworkMeters])
                .AddPrometheusExporter(o =>
                {
                    // Series carry exactly the labels the chart's dashboard and autoscalers use.
                    o.ScopeInfoEnabled = false;
                }));
        services.ConfigureOpenTelemetryMeterProvider((sp, metrics) => metrics.AddView(OnlyThisHost(sp.GetRequiredService<IMeterFactory>())));
        if (tracing.Enabled)
        {
            otel.WithTracing(t => t
                .SetSampler(new ParentBasedSampler(new TraceIdRatioBasedSampler(tracing.SampleRatio)))
                .AddSource(LiveTracing.SourceName)
                .AddAspNetCoreInstrumentation(o =>
                {
                    o.Filter = context => !HttpSidePort.IsSidePort(context);
                    // The instrumentation names a request span "POST /route" when it ends; a gRPC call is named "service/method".
                    o.EnrichWithHttpResponse = (activity, _) => LiveTracing.NameRpcSpan(activity);
                })
                .AddOtlpExporter(o =>
                {
                    o.Protocol = tracing.Protocol == "grpc" ? OtlpExportProtocol.Grpc : OtlpExportProtocol.HttpProtobuf;
                    o.Endpoint = tracing.ExportUri();
                }));
        }

        return builder;
    }

    private static T Bind<T>(IConfiguration configuration, string section)
        where T : new() =>
        configuration.GetSection(section).Get<T>() ?? new T();

    /// <summary>
    /// Instruments of meters another host's IMeterFactory created are dropped: a test process runs several servers, and
    /// a MeterListener sees every meter of a name in the process. Meters outside any factory (the runtime's) stay.
    /// </summary>
    private static Func<Instrument, MetricStreamConfiguration?> OnlyThisHost(IMeterFactory factory) =>
        instrument => instrument.Meter.Scope is IMeterFactory owner && !ReferenceEquals(owner, factory) ? MetricStreamConfiguration.Drop : null;
}
