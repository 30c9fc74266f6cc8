using FastAV.Live.Models.Composition;

namespace FastAV.Live.Server.Tests.Inference;

/// <summary>The shipped models/fastav-tiny, loaded once for the test run (whatever weights are committed).</summary>
internal static class TinyModel
{
    private static readonly Lazy<AvModel> Loaded = new(() => AvModel.Load(Directory), LazyThreadSafetyMode.ExecutionAndPublication);

    public static string Directory => Path.Combine(PythonProbe.RepoRoot, "models", "fastav-tiny");

    public static AvModel Model => Loaded.Value;
}
