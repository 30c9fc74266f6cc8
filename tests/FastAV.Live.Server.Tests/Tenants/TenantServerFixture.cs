using Microsoft.Extensions.Logging;

namespace FastAV.Live.Server.Tests.Tenants;

/// <summary>One real server with the standard tenants file (<see cref="TenantsFileWriter.Standard"/>) and a log recorder, shared by a test class.</summary>
public sealed class TenantServerFixture : IAsyncLifetime
{
    internal TenantsFileWriter File { get; } = new();

    internal LogRecorder Logs { get; } = new();

    public LiveServer Server { get; private set; } = null!;

    public async Task InitializeAsync() =>
        Server = await LiveServer.StartAsync(null, null, l => l.AddProvider(Logs).SetMinimumLevel(LogLevel.Debug), "--Auth:ApiKeysFile", File.Path);

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        File.Dispose();
    }
}
