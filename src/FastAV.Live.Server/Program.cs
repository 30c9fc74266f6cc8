using FastAV.Live.Grpc;
using FastAV.Live.Grpc.Health;
using FastAV.Live.Grpc.Reflection;
using FastAV.Live.Server.Hosting;
using Grpc.Health.V1;

// fastav [serve] [--urls http://127.0.0.1:50051] [--Server:CertificatePath cert.pfx] ...
var verb = args.Length > 0 && !args[0].StartsWith('-') ? args[0] : "serve";
if (verb != "serve")
{
    await Console.Error.WriteLineAsync($"fastav: unknown verb '{verb}'. Verbs available: serve.");
    return 2;
}

var builder = WebApplication.CreateSlimBuilder(args.SkipWhile(a => a == "serve").ToArray());

// Options: bound from configuration (appsettings, FASTAV_ environment variables, command line) and validated now.
builder.Configuration.AddEnvironmentVariables("FASTAV_");
var serverOptions = builder.Configuration.GetSection(ServerOptions.SectionName).Get<ServerOptions>() ?? new ServerOptions();
if (builder.Configuration["urls"] is { Length: > 0 } urls)
{
    serverOptions.Urls = urls;
}

serverOptions.Validate();
builder.Services.AddSingleton(serverOptions);
builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = serverOptions.ShutdownTimeout);
builder.WebHost.ConfigureKestrel(kestrel => KestrelEndpoints.Configure(kestrel, serverOptions));

// gRPC services.
builder.Services.AddGrpcServer(o => builder.Configuration.GetSection("Grpc").Bind(o));
var health = new HealthService();
builder.Services.AddSingleton(health);
builder.Services.AddSingleton<IGrpcService>(health);
builder.Services.AddSingleton<IGrpcService>(new ReflectionService([HealthReflection.Descriptor.Services[0]]));

var app = builder.Build();
app.UseGrpcServer();

// Draining: health turns NOT_SERVING first, so probes and load balancers move away before listeners close.
app.Lifetime.ApplicationStopping.Register(() =>
{
    health.SetAllNotServing();
    if (serverOptions.DrainDelay > TimeSpan.Zero)
    {
        Thread.Sleep(serverOptions.DrainDelay);
    }
});

await app.RunAsync();
return 0;
