using System.Diagnostics;

namespace FastAV.Live.Models.Tests;

/// <summary>Runs a script of tests/reference with Debian's Python (which has torch 1.13).</summary>
internal static class PythonReference
{
    public static void Run(string script, params string[] args)
    {
        var start = new ProcessStartInfo("/usr/bin/python3")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = RepositoryLayout.ReferenceDirectory,
        };
        start.ArgumentList.Add(Path.Combine(RepositoryLayout.ReferenceDirectory, script));
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        using var p = Process.Start(start) ?? throw new InvalidOperationException("could not start /usr/bin/python3");
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            p.Kill();
            throw new TimeoutException($"{script} did not finish in 2 minutes");
        }

        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException($"{script} exited {p.ExitCode}: {stderr.Result}{stdout.Result}");
        }
    }
}
