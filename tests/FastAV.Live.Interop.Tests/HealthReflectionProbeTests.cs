namespace FastAV.Live.Interop.Tests;

/// <summary>
/// clients/python/health_reflection_probe.py (grpcio's health and reflection stubs) against the
/// InteropHost, which serves Health and Reflection as the production server does.
/// </summary>
[Collection(InteropCollection.Name)]
public sealed class HealthReflectionProbeTests(InteropServers servers)
{
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Grpcio_health_and_reflection_clients_see_the_served_service()
    {
        var (exitCode, output) = await ProbeAsync("grpc.testing.TestService");

        Assert.True(exitCode == 0, $"probe exit code {exitCode}. Output:\n{output}");
        foreach (var check in new[]
                 {
                     "health.check.server", "health.check.grpc.testing.TestService", "health.check.unknown",
                     "health.watch.grpc.testing.TestService", "reflection.v1.list", "reflection.v1.symbol.grpc.testing.TestService",
                     "reflection.v1.unknown_symbol", "reflection.v1alpha.list", "reflection.v1alpha.symbol.grpc.testing.TestService",
                     "reflection.v1alpha.unknown_symbol",
                 })
        {
            Assert.Contains($"PASS {check}\n", output.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Probe_fails_for_a_service_the_server_does_not_have()
    {
        var (exitCode, output) = await ProbeAsync("fastav.nowhere.Missing");

        Assert.Equal(1, exitCode);
        Assert.Contains("FAIL health.check.fastav.nowhere.Missing: StatusCode.NOT_FOUND", output, StringComparison.Ordinal);
        Assert.Contains("FAIL reflection.v1.list: list_services lacks ['fastav.nowhere.Missing']", output, StringComparison.Ordinal);
        Assert.Contains("PASS health.check.server", output, StringComparison.Ordinal);
    }

    private Task<(int ExitCode, string Output)> ProbeAsync(string service)
    {
        RepoLayout.RequirePython();
        return ChildProcess.RunAsync(
            ProbeTimeout, RepoLayout.Python, RepoLayout.PythonClientDir,
            "health_reflection_probe.py", "--port", servers.HostPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--expect-service", service);
    }
}
