using System.Text.Json;

namespace FastAV.Live.Models.Tests.Loading;

/// <summary>The checkpoints tests/reference/write_safetensors.py writes, in a temporary folder, and its expectations.</summary>
public sealed class PythonCheckpoints : IDisposable
{
    public PythonCheckpoints()
    {
        Directory = Path.Combine(Path.GetTempPath(), $"fastav-safetensors-{Environment.ProcessId}-{Guid.NewGuid():N}");
        PythonReference.Run("write_safetensors.py", Directory);
        using var doc = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(Directory, "expected.json")));
        foreach (var p in doc.RootElement.EnumerateObject())
        {
            Expected[p.Name] = (
                p.Value.GetProperty("dtype").GetString()!,
                p.Value.GetProperty("shape").EnumerateArray().Select(x => x.GetInt64()).ToArray(),
                p.Value.GetProperty("values").EnumerateArray().Select(x => x.GetDouble()).ToArray());
        }
    }

    public string Directory { get; }

    public string Single => Path.Combine(Directory, "single");

    public string Sharded => Path.Combine(Directory, "sharded");

    public Dictionary<string, (string DType, long[] Shape, double[] Values)> Expected { get; } = [];

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);
}
