namespace FastAV.Live.Client.Tests;

/// <summary>The model generated once for the collection by scripts/make-camera-model.py (seed 7) into a temp folder, deleted after.</summary>
public sealed class CameraScaleModel : IDisposable
{
    public CameraScaleModel()
    {
        Directory = Path.Combine(Path.GetTempPath(), "fastav-camera-scale-" + Environment.ProcessId);
        Generate(Directory);
    }

    public string Directory { get; }

    public static void Generate(string directory, params string[] extra) =>
        CameraScaleModelTests.Run("/usr/bin/python3", [Path.Combine(CameraScaleModelTests.RepoRoot(), "scripts", "make-camera-model.py"), "--out", directory, "--seed", "7", .. extra]);

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }
}
