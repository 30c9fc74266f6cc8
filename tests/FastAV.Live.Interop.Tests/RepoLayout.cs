namespace FastAV.Live.Interop.Tests;

/// <summary>Where the official clients and tools are: found from the test assembly up to the repository root.</summary>
internal static class RepoLayout
{
    public const string Python = "/usr/bin/python3";

    private static readonly Lazy<string> LazyRoot = new(FindRoot);

    public static string Root => LazyRoot.Value;

    public static string NodeClientDir => Path.Combine(Root, "clients", "node");

    public static string PythonClientDir => Path.Combine(Root, "clients", "python");

    /// <summary>Fails with the set-up command when node_modules is missing: nothing is skipped silently.</summary>
    public static void RequireNodeModules()
    {
        var grpcJs = Path.Combine(NodeClientDir, "node_modules", "@grpc", "grpc-js", "package.json");
        Assert.True(
            File.Exists(grpcJs),
            $"The Node interop client's packages are missing ({grpcJs}). Run scripts/setup.sh (it runs `npm ci` in clients/node).");
    }

    public static void RequirePython()
    {
        Assert.True(
            File.Exists(Python),
            $"{Python} is missing. Run scripts/setup.sh (it installs python3-grpcio, protobuf-compiler and protobuf-compiler-grpc).");
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "FastAV.Live.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"FastAV.Live.sln not found above {AppContext.BaseDirectory}.");
    }
}
