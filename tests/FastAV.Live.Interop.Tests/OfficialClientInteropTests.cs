using FastAV.Live.InteropHost;

namespace FastAV.Live.Interop.Tests;

/// <summary>The official clients (grpc-js and grpcio) run every interop case against our InteropHost, one child process per case.</summary>
[Collection(InteropCollection.Name)]
public sealed class OfficialClientInteropTests(InteropServers servers)
{
    private static readonly TimeSpan ClientTimeout = TimeSpan.FromSeconds(90);

    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var client in new[] { "node", "python" })
        {
            foreach (var name in InteropClientCases.Names)
            {
                data.Add(client, name);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Official_client_passes_against_our_server(string client, string testCase)
    {
        var (exitCode, output) = await RunOfficialClientAsync(client, servers.HostPort, testCase);

        Assert.True(exitCode == 0, $"{client} interop client, case {testCase}: exit code {exitCode}. Output:\n{output}");
        Assert.Contains($"PASS {testCase}", output, StringComparison.Ordinal);
        Assert.DoesNotContain("FAIL", output, StringComparison.Ordinal);
    }

    /// <summary>The same clients against the grpcio reference server: proves the clients' own assertions, independent of our code.</summary>
    [Theory]
    [InlineData("node")]
    [InlineData("python")]
    public async Task Official_client_passes_every_case_against_the_reference_server(string client)
    {
        var (exitCode, output) = await RunOfficialClientAsync(client, servers.ReferencePort, "all");

        Assert.True(exitCode == 0, $"{client} interop client against grpcio: exit code {exitCode}. Output:\n{output}");
        foreach (var name in InteropClientCases.Names)
        {
            Assert.Contains($"PASS {name}\n", output.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Official_client_reports_failure_with_a_nonzero_exit_code()
    {
        // Nothing listens on the port: every client must fail loudly, never pass by default.
        var unusedPort = UnusedPort();
        foreach (var client in new[] { "node", "python" })
        {
            var (exitCode, output) = await RunOfficialClientAsync(client, unusedPort, "empty_unary");
            Assert.True(exitCode != 0, $"{client} client passed against a closed port. Output:\n{output}");
            Assert.Contains("FAIL empty_unary", output, StringComparison.Ordinal);
        }
    }

    private static Task<(int ExitCode, string Output)> RunOfficialClientAsync(string client, int port, string testCase)
    {
        var portArg = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (client == "node")
        {
            RepoLayout.RequireNodeModules();
            return ChildProcess.RunAsync(
                ClientTimeout, "node", RepoLayout.NodeClientDir,
                "interop_client.js", "--server_host=127.0.0.1", $"--server_port={portArg}", $"--test_case={testCase}");
        }

        RepoLayout.RequirePython();
        return ChildProcess.RunAsync(
            ClientTimeout, RepoLayout.Python, RepoLayout.PythonClientDir,
            "interop_client.py", "--server_host", "127.0.0.1", "--server_port", portArg, "--test_case", testCase);
    }

    private static int UnusedPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
