using System.Diagnostics;

namespace FastAV.Live.Client.Tests;

/// <summary>Runs fastav-cli as users do (`dotnet fastav-cli.dll ...` in its own build folder), output redirected (so --plain and non-interactive).</summary>
public static class CliProcess
{
    /// <summary>
    /// clients/FastAV.Live.Cli's own output (same configuration and framework as this test assembly): the copy in the
    /// test folder runs with this folder's dependencies, which the ASP.NET Core framework of the tests thins out.
    /// </summary>
    public static string Dll { get; } = Path.GetFullPath(Path.Combine(
        AppContext.BaseDirectory.Replace(Path.Combine("tests", "FastAV.Live.Client.Tests"), Path.Combine("clients", "FastAV.Live.Cli"), StringComparison.Ordinal),
        "fastav-cli.dll"));

    public static Task<(int Exit, string Stdout, string Stderr)> RunAsync(params string[] args) => RunWithInputAsync(null, args);

    /// <summary>Runs with <paramref name="stdinFile"/> (when given) as standard input.</summary>
    public static async Task<(int Exit, string Stdout, string Stderr)> RunWithInputAsync(string? stdinFile, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Dll);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        // The server address comes from flags only, never from the test runner's environment.
        start.Environment.Remove("FASTAV_SERVER");
        start.Environment.Remove("FASTAV_TOKEN");
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (stdinFile is not null)
        {
            await using var input = File.OpenRead(stdinFile);
            await input.CopyToAsync(process.StandardInput.BaseStream);
        }

        process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"fastav-cli {string.Join(' ', args)} did not exit within 60 s");
        }

        return (process.ExitCode, await stdout, await stderr);
    }

    /// <summary>"kind k=v k=v" → the value of key (JSON-quoted values keep their quotes).</summary>
    public static string Field(string line, string key)
    {
        var marker = " " + key + "=";
        var at = line.IndexOf(marker, StringComparison.Ordinal);
        Assert.True(at >= 0, $"no {key} in: {line}");
        var start = at + marker.Length;
        if (line[start] == '"')
        {
            var end = start + 1;
            while (line[end] != '"' || line[end - 1] == '\\')
            {
                end++;
            }

            return line[start..(end + 1)];
        }

        var space = line.IndexOf(' ', start);
        return space < 0 ? line[start..] : line[start..space];
    }
}
