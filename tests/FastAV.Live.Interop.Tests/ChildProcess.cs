using System.Diagnostics;
using System.Text;

namespace FastAV.Live.Interop.Tests;

/// <summary>An official client (or reference server) run as a child process, its output captured.</summary>
internal sealed class ChildProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource<string> _firstLine = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ChildProcess(Process process) => _process = process;

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

    public static ChildProcess Start(string fileName, string workingDirectory, params string[] arguments)
    {
        var info = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = info };
        var child = new ChildProcess(process);
        process.OutputDataReceived += (_, e) => child.Append(e.Data, stdout: true);
        process.ErrorDataReceived += (_, e) => child.Append(e.Data, stdout: false);
        if (!process.Start())
        {
            throw new InvalidOperationException($"Could not start {fileName}.");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>Runs to the end; the exit code, or a failed assertion with the output when it outlives <paramref name="timeout"/>.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(TimeSpan timeout, string fileName, string workingDirectory, params string[] arguments)
    {
        using var child = Start(fileName, workingDirectory, arguments);
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await child._process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"{Path.GetFileName(fileName)} {string.Join(' ', arguments)} did not finish within {timeout.TotalSeconds:0} s. Output:\n{child.Output}");
        }

        child._process.WaitForExit(); // drains the redirected streams
        return (child._process.ExitCode, child.Output);
    }

    /// <summary>The first stdout line (a server's "listening on HOST:PORT"), or a failed assertion.</summary>
    public async Task<string> ReadFirstLineAsync(TimeSpan timeout)
    {
        var finished = await Task.WhenAny(_firstLine.Task, Task.Delay(timeout), _process.WaitForExitAsync());
        Assert.True(finished == _firstLine.Task, $"{_process.StartInfo.FileName} printed no first line within {timeout.TotalSeconds:0} s. Output:\n{Output}");
        return await _firstLine.Task;
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
            // never started or already reaped
        }

        _process.Dispose();
    }

    private void Append(string? line, bool stdout)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }

        if (stdout)
        {
            _firstLine.TrySetResult(line);
        }
    }
}
