using FastAV.Live.InteropHost;
using Microsoft.AspNetCore.Builder;

namespace FastAV.Live.Interop.Tests;

/// <summary>
/// The two TestService servers, started once for all interop tests: our InteropHost (in-process,
/// Kestrel h2c on a free loopback port) and the grpcio reference server (a child process).
/// </summary>
public sealed class InteropServers : IAsyncLifetime
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private WebApplication? _host;
    private ChildProcess? _reference;

    /// <summary>Our InteropHost's port.</summary>
    public int HostPort { get; private set; }

    /// <summary>The Python grpcio reference server's port.</summary>
    public int ReferencePort { get; private set; }

    public int PortOf(string server) => server switch
    {
        "host" => HostPort,
        "python" => ReferencePort,
        _ => throw new ArgumentException($"Unknown server '{server}'.", nameof(server)),
    };

    public async Task InitializeAsync()
    {
        _host = await InteropServer.StartAsync(0);
        HostPort = InteropServer.BoundPort(_host);

        RepoLayout.RequirePython();
        _reference = ChildProcess.Start(RepoLayout.Python, RepoLayout.PythonClientDir, "interop_server.py", "--port", "0");
        var line = await _reference.ReadFirstLineAsync(StartTimeout);
        const string prefix = "listening on 127.0.0.1:";
        Assert.True(line.StartsWith(prefix, StringComparison.Ordinal), $"Unexpected first line of interop_server.py: '{line}'. Output:\n{_reference.Output}");
        ReferencePort = int.Parse(line[prefix.Length..], System.Globalization.CultureInfo.InvariantCulture);
    }

    public async Task DisposeAsync()
    {
        _reference?.Dispose();
        if (_host is not null)
        {
            await _host.StopAsync();
            await _host.DisposeAsync();
        }
    }
}
