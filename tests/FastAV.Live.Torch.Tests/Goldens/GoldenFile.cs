using System.Diagnostics;
using System.Text.Json;

namespace FastAV.Live.Torch.Tests.Goldens;

/// <summary>
/// Goldens from PyTorch: runs goldens.py once per test run with Debian's python3-torch into a temp
/// dir and parses goldens.json. Shared by every test class through <see cref="GoldenCollection"/>.
/// </summary>
public sealed class GoldenFile : IDisposable
{
    public const string Python = "/usr/bin/python3";

    private readonly string _dir = Path.Combine(Path.GetTempPath(), "fastav-torch-goldens-" + Guid.NewGuid().ToString("N"));
    private readonly JsonDocument _document;

    public GoldenFile()
    {
        var script = Path.Combine(AppContext.BaseDirectory, "goldens.py");
        var start = new ProcessStartInfo(Python)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(script);
        start.ArgumentList.Add(_dir);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("cannot start " + Python);
        var stderr = process.StandardError.ReadToEndAsync();
        _ = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"goldens.py failed ({process.ExitCode}); needs python3-torch: {stderr.Result}");
        }

        var options = new JsonDocumentOptions { MaxDepth = 16 };
        _document = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(_dir, "goldens.json")), options);
        PyTorchVersion = _document.RootElement.GetProperty("torch").GetString() ?? "";
    }

    public string PyTorchVersion { get; }

    public GoldenCase this[string name] => new(name, _document.RootElement.GetProperty("cases").GetProperty(name));

    public void Dispose()
    {
        _document.Dispose();
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp dir is harmless.
        }
    }
}
