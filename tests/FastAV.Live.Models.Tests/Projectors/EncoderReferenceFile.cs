using System.Diagnostics;
using System.Text.Json;

namespace FastAV.Live.Models.Tests.Projectors;

/// <summary>
/// Runs tests/reference/encoder_cases.py (plain PyTorch, Debian's python3-torch) once per test run
/// into a temp dir and serves its cases: tiny random encoders and projectors with every module output.
/// </summary>
public sealed class EncoderReferenceFile : IDisposable
{
    public const string Python = "/usr/bin/python3";

    private readonly string _dir = Path.Combine(Path.GetTempPath(), "fastav-encoder-reference-" + Guid.NewGuid().ToString("N"));
    private readonly Dictionary<string, EncoderReferenceCase> _cases = [];

    public EncoderReferenceFile()
    {
        var start = new ProcessStartInfo(Python)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(ReferenceDirectory(), "encoder_cases.py"));
        start.ArgumentList.Add(_dir);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("cannot start " + Python);
        var stderr = process.StandardError.ReadToEndAsync();
        _ = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"encoder_cases.py failed ({process.ExitCode}); it needs python3-torch: {stderr.Result}");
        }

        using var document = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(_dir, "encoder_cases.json")));
        foreach (var c in document.RootElement.GetProperty("cases").EnumerateArray())
        {
            var name = c.GetProperty("name").GetString()!;
            _cases[name] = new EncoderReferenceCase(c.Clone(), File.ReadAllBytes(Path.Combine(_dir, name + ".bin")));
        }
    }

    public EncoderReferenceCase this[string name] => _cases[name];

    public IReadOnlyCollection<string> Names => _cases.Keys;

    public void Dispose()
    {
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp dir is harmless.
        }
    }

    /// <summary>tests/reference, found upwards from the test assembly (bin/Release/net10.0 inside the repo).</summary>
    private static string ReferenceDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "reference", "encoder_cases.py");
            if (File.Exists(candidate))
            {
                return Path.GetDirectoryName(candidate)!;
            }
        }

        throw new InvalidOperationException("tests/reference/encoder_cases.py not found above " + AppContext.BaseDirectory);
    }
}
