using System.Diagnostics;
using System.Text;

namespace FastAV.Live.Server.Tests.Hosting;

/// <summary>`fastav serve` as its own process (`dotnet fastav.dll`, from the server's build folder), so tests can send it real signals.</summary>
internal sealed class FastavProcess : IDisposable
{
    private const string Listening = "Now listening on: ";
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource<Uri> _address = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<Uri> _httpAddress = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private FastavProcess(Process process) => _process = process;

    /// <summary>The server's own output folder, same configuration as this test assembly.</summary>
    public static string Dll { get; } = Path.GetFullPath(Path.Combine(
        AppContext.BaseDirectory.Replace(Path.Combine("tests", "FastAV.Live.Server.Tests"), Path.Combine("src", "FastAV.Live.Server"), StringComparison.Ordinal),
        "fastav.dll"));

    public int Id => _process.Id;

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Starts `fastav serve --urls http://127.0.0.1:0 ARGS` and waits for the address it listens on.</summary>
    public static async Task<(FastavProcess Process, Uri Address)> StartAsync(TimeSpan patience, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in (string[])[Dll, "serve", "--urls", "http://127.0.0.1:0", "--Server:HttpUrls", "http://127.0.0.1:0", .. args])
        {
            start.ArgumentList.Add(arg);
        }

        var process = new Process { StartInfo = start };
        var server = new FastavProcess(process);
        process.OutputDataReceived += (_, e) => server.Append(e.Data);
        process.ErrorDataReceived += (_, e) => server.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var address = server._address.Task;
        if (await Task.WhenAny(address, process.WaitForExitAsync(), Task.Delay(patience)) != address)
        {
            server.Dispose();
            throw new InvalidOperationException($"fastav did not start listening within {patience.TotalSeconds:0} s:\n{server.Output}");
        }

        return (server, await address);
    }

    /// <summary>The HTTP side port (/metrics, /healthz, /readyz, /dashboard), once announced.</summary>
    public Task<Uri> HttpAddress => _httpAddress.Task;

    /// <summary>SIGTERM, as Kubernetes sends it.</summary>
    public void Terminate()
    {
        using var kill = Process.Start("kill", ["-TERM", Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    /// <summary>The exit code, or null if it did not exit within <paramref name="patience"/>.</summary>
    public async Task<int?> WaitForExitAsync(TimeSpan patience)
    {
        using var cts = new CancellationTokenSource(patience);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
            return _process.ExitCode;
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(5000);
        }

        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }

        var at = line.IndexOf(Listening, StringComparison.Ordinal);
        if (at >= 0)
        {
            // Kestrel announces the gRPC listener first, then the HTTP side port.
            // A plain line ends with the address; a JSON one (Logging:Format json) continues after a quote.
            var rest = line[(at + Listening.Length)..];
            var uri = new Uri(rest[..(rest.IndexOf('"', StringComparison.Ordinal) is var q and >= 0 ? q : rest.Length)].Trim());
            if (!_address.TrySetResult(uri))
            {
                _httpAddress.TrySetResult(uri);
            }
        }
    }
}
