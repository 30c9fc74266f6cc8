using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Grpc.Core;
using Grpc.Net.Client;
using Contract = FastAV.Live.Contracts.V1;

namespace FastAV.Live.LoadTests.Streaming;

/// <summary>
/// A `fastav serve` process on a loopback port, started for a run that names no target and stopped after it: the
/// Release build in the repository (or <c>--fastav PATH</c>), with the caller's serve options passed through
/// (e.g. --model DIR). Ready when ListStreams answers; a server that exits first fails with its last lines of output.
/// </summary>
public sealed class LocalServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Queue<string> _output = new();

    private LocalServer(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    public int Pid => _process.Id;

    public string Target => $"127.0.0.1:{Port}";

    /// <summary>The Release fastav.dll of the repository this tool was built in, or null.</summary>
    public static string? DefaultExecutable()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (!File.Exists(Path.Combine(dir.FullName, "FastAV.Live.sln"))) continue;
            var dll = Path.Combine(dir.FullName, "src", "FastAV.Live.Server", "bin", "Release", "net10.0", "fastav.dll");
            return File.Exists(dll) ? dll : null;
        }

        return null;
    }

    public static async Task<LocalServer> StartAsync(string executable, IReadOnlyList<string> serveArguments, int port, TimeSpan startTimeout, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(executable);
        ArgumentNullException.ThrowIfNull(serveArguments);
        if (!File.Exists(executable)) throw new FileNotFoundException($"--fastav: {executable} does not exist (build it: dotnet build src/FastAV.Live.Server -c Release)", executable);
        if (port == 0) port = FreePort();
        var start = executable.EndsWith(".dll", StringComparison.OrdinalIgnoreCase) ? new ProcessStartInfo("dotnet") : new ProcessStartInfo(executable);
        if (executable.EndsWith(".dll", StringComparison.OrdinalIgnoreCase)) start.ArgumentList.Add(executable);
        start.ArgumentList.Add("serve");
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add($"http://127.0.0.1:{port}");
        start.ArgumentList.Add("--Server:HttpUrls="); // no HTTP side port: several local servers may run at once
        foreach (var a in serveArguments) start.ArgumentList.Add(a);
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {executable}");
        var server = new LocalServer(process, port);
        process.OutputDataReceived += (_, e) => server.Remember(e.Data);
        process.ErrorDataReceived += (_, e) => server.Remember(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await server.WaitReadyAsync(startTimeout, cancellationToken).ConfigureAwait(false);
            return server;
        }
        catch
        {
            await server.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public long ReadRssBytes() => ServerMemory.ReadRssBytes(Pid);

    /// <summary>The server's last lines of output (for error messages).</summary>
    public string Tail()
    {
        lock (_output)
        {
            return string.Join(Environment.NewLine, _output);
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException or System.ComponentModel.Win32Exception)
        {
        }

        _process.Dispose();
    }

    private void Remember(string? line)
    {
        if (line is null) return;
        lock (_output)
        {
            _output.Enqueue(line);
            while (_output.Count > 20) _output.Dequeue();
        }
    }

    private async Task WaitReadyAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var channel = GrpcChannel.ForAddress($"http://{Target}");
        var client = new Contract.LiveAnalytics.LiveAnalyticsClient(channel);
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"fastav serve exited with code {_process.ExitCode} before it was ready:{Environment.NewLine}{Tail()}");
            }

            try
            {
                await client.ListStreamsAsync(new Contract.ListStreamsRequest(), deadline: DateTime.UtcNow.AddSeconds(2), cancellationToken: cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (RpcException) when (clock.Elapsed < timeout)
            {
                await Task.Delay(200, cancellationToken).ConfigureAwait(false);
            }
            catch (RpcException e)
            {
                throw new TimeoutException($"fastav serve on {Target} was not ready after {timeout.TotalSeconds:0} s ({e.Status.Detail}):{Environment.NewLine}{Tail()}");
            }
        }
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
