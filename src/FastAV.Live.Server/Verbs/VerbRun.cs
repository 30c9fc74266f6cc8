using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using FastAV.Live.Server.Inference;

namespace FastAV.Live.Server.Verbs;

/// <summary>
/// What the offline verbs (eval, eval --streaming, calibrate) share: a temporary folder for a generated set, removed at
/// the end; failures as exit codes naming the verb (2 bad model, set or input; 1 the run itself failed); the
/// measurement stamp every report carries.
/// </summary>
internal static class VerbRun
{
    /// <summary>--help or -h anywhere among a verb's arguments.</summary>
    public static bool AsksForHelp(string[] args) => args.Any(a => a is "--help" or "-h");

    /// <param name="body">Gets a function that creates (once) and returns the temporary folder.</param>
    public static async Task<int> RunAsync(string verb, string tempPrefix, TextWriter stderr, Func<Func<string>, Task<int>> body)
    {
        string? temp = null;
        try
        {
            return await body(() => temp ??= Directory.CreateTempSubdirectory(tempPrefix).FullName);
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException or NotSupportedException or UnauthorizedAccessException or ArgumentException or KeyNotFoundException)
        {
            await stderr.WriteLineAsync($"{verb}: {ex.Message}");
            return 2;
        }
        catch (InvalidOperationException ex)
        {
            await stderr.WriteLineAsync($"{verb}: {ex.Message}");
            return 1;
        }
        finally
        {
            if (temp is not null)
            {
                Directory.Delete(temp, recursive: true);
            }
        }
    }

    /// <summary>When, on what and how long: measured_utc, processors, seconds, and the note if any.</summary>
    /// <summary>The model directory the verb runs on, or null (the reason written to stderr, exit code 2) when it cannot be found.</summary>
    public static async Task<string?> ResolveModelAsync(string verb, string? model, TextWriter stderr)
    {
        try
        {
            return ModelDirectory.Resolve(model);
        }
        catch (InvalidOperationException ex)
        {
            await stderr.WriteLineAsync($"{verb}: {ex.Message}");
            return null;
        }
    }

    public static JsonObject Stamp(JsonObject about, Stopwatch clock, string? note)
    {
        about["measured_utc"] = DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
        about["processors"] = Environment.ProcessorCount;
        about["seconds"] = Math.Round(clock.Elapsed.TotalSeconds, 1);
        if (note is not null)
        {
            about["note"] = note;
        }

        return about;
    }

    public static async Task ReportWrittenAsync(IEnumerable<string> paths, TextWriter stdout)
    {
        foreach (var path in paths)
        {
            await stdout.WriteLineAsync($"wrote {path}");
        }
    }
}
