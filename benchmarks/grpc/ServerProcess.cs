using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace FastAV.Live.Benchmarks.Grpc;

/// <summary>A server under test, started as its own process on a free loopback port, stopped on dispose.</summary>
internal sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;

    private ServerProcess(string name, Process process, int port)
    {
        Name = name;
        _process = process;
        Port = port;
    }

    public string Name { get; }

    public int Port { get; }

    public static async Task<ServerProcess> StartAsync(string name, string fileName, Func<int, string> arguments)
    {
        var port = FreePort();
        var info = new ProcessStartInfo(fileName, arguments(port))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"{name} exited with {process.ExitCode} before listening.");
            }

            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, port);
                return new ServerProcess(name, process, port);
            }
            catch (SocketException)
            {
                await Task.Delay(100);
            }
        }

        process.Kill(entireProcessTree: true);
        throw new TimeoutException($"{name} did not listen on port {port} within 30 s.");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
