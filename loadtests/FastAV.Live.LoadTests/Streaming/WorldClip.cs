using System.Diagnostics;

namespace FastAV.Live.LoadTests.Streaming;

/// <summary>
/// Makes the run's camera clip once: loadtests/media/make_world_clip.py (the training world generator's scenes,
/// muxed by the ffmpeg CLI into H.264 + PCM Matroska, with a sidecar of questions) into a folder of the run.
/// </summary>
public static class WorldClip
{
    public static async Task<string> GenerateAsync(string folder, int seconds, int seed, string size, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        var root = RepositoryRoot() ?? throw new InvalidOperationException("the world clip is made by loadtests/media/make_world_clip.py from the repository; run from inside it, or pass --media FILE");
        var script = Path.Combine(root, "loadtests", "media", "make_world_clip.py");
        var python = File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
        var start = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { script, "--seconds", seconds.ToString(System.Globalization.CultureInfo.InvariantCulture), "--seed", seed.ToString(System.Globalization.CultureInfo.InvariantCulture), "--out", folder })
        {
            start.ArgumentList.Add(a);
        }

        if (size.Length > 0)
        {
            start.ArgumentList.Add("--size");
            start.ArgumentList.Add(size);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {python}");
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.StandardOutput.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
        await process.WaitForExitAsync(cancellationToken).WaitAsync(TimeSpan.FromMinutes(5), cancellationToken).ConfigureAwait(false);
        if (process.ExitCode != 0) throw new InvalidOperationException($"make_world_clip.py failed ({process.ExitCode}): {(await stderr.ConfigureAwait(false)).Trim()}");
        return Path.Combine(folder, "world.mkv");
    }

    public static string? RepositoryRoot()
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
