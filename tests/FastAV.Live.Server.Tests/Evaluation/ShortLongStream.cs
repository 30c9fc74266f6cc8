using FastAV.Live.Server.Evaluation;
using FastAV.Live.Server.Verbs;

namespace FastAV.Live.Server.Tests.Evaluation;

/// <summary>A 3-scene long stream (18 windows, seed 1001) written once per test run by training/export_long_stream.py.</summary>
internal static class ShortLongStream
{
    public const int Scenes = 3;

    public const int Seed = 1001;

    private static readonly Lazy<Task<string>> Written = new(WriteAsync, LazyThreadSafetyMode.ExecutionAndPublication);

    public static async Task<string> DirectoryAsync() => await Written.Value;

    public static async Task<HeldOutSet> LoadAsync() => HeldOutSet.Load(await Written.Value);

    private static async Task<string> WriteAsync()
    {
        var dir = Directory.CreateTempSubdirectory("fastav-long-stream-").FullName;
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        };
        var script = Path.Combine(PythonProbe.RepoRoot, "training", "export_long_stream.py");
        await EvalVerb.RunTrainingScriptAsync("/usr/bin/python3", "export_long_stream.py", ["--scenes", $"{Scenes}", "--seed", $"{Seed}", "--out", dir]).ConfigureAwait(false);
        return File.Exists(script) ? dir : throw new FileNotFoundException(script);
    }
}
