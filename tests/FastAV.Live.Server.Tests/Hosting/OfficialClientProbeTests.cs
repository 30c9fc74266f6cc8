using FastAV.Live.Server.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace FastAV.Live.Server.Tests.Hosting;

/// <summary>The real `fastav serve` host seen by grpcio's health and reflection clients (clients/python/health_reflection_probe.py).</summary>
public sealed class OfficialClientProbeTests
{
    [Fact]
    public async Task Grpcio_sees_live_analytics_in_health_and_reflection()
    {
        await using var app = ServerHost.Build(["--urls", "http://127.0.0.1:0", "--Server:HttpUrls="]);
        await app.StartAsync();
        var port = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()).Port;

        var (exitCode, output) = await ProbeAsync(port, "fastav.live.v1.LiveAnalytics");

        Assert.True(exitCode == 0, $"probe exit code {exitCode}:\n{output}");
        Assert.Contains("PASS health.check.fastav.live.v1.LiveAnalytics", output, StringComparison.Ordinal);
        Assert.Contains("PASS reflection.v1.symbol.fastav.live.v1.LiveAnalytics", output, StringComparison.Ordinal);
        Assert.Contains("PASS reflection.v1alpha.symbol.fastav.live.v1.LiveAnalytics", output, StringComparison.Ordinal);
        await app.StopAsync();
    }

    private static async Task<(int ExitCode, string Output)> ProbeAsync(int port, string service)
    {
        Assert.True(File.Exists("/usr/bin/python3"), "Debian's python3 with grpcio is missing: run scripts/setup.sh.");
        var script = Path.Combine(PythonProbe.RepoRoot, "clients", "python", "health_reflection_probe.py");
        var (exit, stdout, stderr) = await PythonProbe.RunProcessAsync(
            "/usr/bin/python3", [script, "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--expect-service", service], "");
        return (exit, stdout + stderr);
    }
}
