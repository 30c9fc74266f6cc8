namespace FastAV.Live.Benchmarks;

/// <summary>
/// The repository a benchmark belongs to (where benchmarks/results lives): the first folder holding FastAV.Live.sln
/// above the program's own files, else above the current directory. Compiled into every benchmark program
/// (benchmarks/Directory.Build.props).
/// </summary>
internal static class BenchmarkRepository
{
    /// <summary>The repository root, or an error saying to run from inside the repository.</summary>
    public static string Root() => Find() ?? throw new InvalidOperationException(
        $"FastAV.Live.sln not found above {AppContext.BaseDirectory} or {Directory.GetCurrentDirectory()}: run from inside the repository");

    /// <summary>The repository root, or the current directory outside one.</summary>
    public static string RootOrCurrentDirectory() => Find() ?? Directory.GetCurrentDirectory();

    private static string? Find()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "FastAV.Live.sln"))) return dir.FullName;
            }
        }

        return null;
    }
}
