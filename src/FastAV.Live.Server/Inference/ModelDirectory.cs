namespace FastAV.Live.Server.Inference;

/// <summary>
/// Where the server's model lives: the configured folder (Server:ModelDirectory, --model), else models/fastav-tiny next
/// to the executable (the build copies it there), else models/fastav-tiny in a folder above the executable or the
/// working directory (a repository checkout). A folder counts only if it holds fastav.json.
/// </summary>
public static class ModelDirectory
{
    public static readonly string DefaultRelative = Path.Combine("models", "fastav-tiny");

    /// <summary>The model folder, absolute; <see cref="InvalidOperationException"/> naming what was tried when none is found.</summary>
    public static string Resolve(string? configured = null)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            var full = Path.GetFullPath(configured);
            return IsModel(full) ? full : throw new InvalidOperationException($"model directory '{full}' has no fastav.json");
        }

        var tried = new List<string>();
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, DefaultRelative);
                if (IsModel(candidate))
                {
                    return candidate;
                }

                tried.Add(candidate);
            }
        }

        throw new InvalidOperationException($"no model directory: set Server:ModelDirectory (or --model); looked for fastav.json in {string.Join(", ", tried.Distinct().Take(6))}…");
    }

    private static bool IsModel(string directory) => File.Exists(Path.Combine(directory, "fastav.json"));
}
