using System.Diagnostics;
using System.Text.Json.Nodes;

namespace FastAV.Live.Models.Tests.Decoder;

/// <summary>
/// Runs tests/reference/qwen2_reference.py once (Debian's /usr/bin/python3 with PyTorch) for every
/// <see cref="DecoderCase"/> and serves its weights, inputs and outputs.
/// </summary>
public sealed class DecoderReference : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "fastav-decoder-reference-" + Guid.NewGuid().ToString("N"));
    private readonly Dictionary<string, ReferenceTensors> _cases = [];

    public DecoderReference()
    {
        Directory.CreateDirectory(_directory);
        var spec = Path.Combine(_directory, "spec.json");
        File.WriteAllText(spec, new JsonObject { ["cases"] = new JsonArray([.. DecoderCase.All.Select(c => c.ToJson())]) }.ToJsonString());
        var script = Path.Combine(AppContext.BaseDirectory, "reference", "qwen2_reference.py");
        var start = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in new[] { script, spec, _directory })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"qwen2_reference.py failed ({process.ExitCode}): {stderr.Result}");
        }

        foreach (var c in DecoderCase.All)
        {
            _cases[c.Name] = new ReferenceTensors(Path.Combine(_directory, c.Name));
        }
    }

    internal ReferenceTensors this[string name] => _cases[name];

    public void Dispose()
    {
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // a leftover temp folder is harmless
        }
    }
}
