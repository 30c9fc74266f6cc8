namespace FastAV.Live.Models.Tests.Composition;

/// <summary>A scratch copy of models/fastav-tiny that a test may damage; deleted on dispose.</summary>
internal sealed class TinyModelDirectory : IDisposable
{
    public TinyModelDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "fastav-tiny-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
        foreach (var name in new[] { "fastav.json", "config.json", "model.safetensors", "tokenizer.json" })
        {
            System.IO.File.Copy(System.IO.Path.Combine(Shipped, name), System.IO.Path.Combine(Path, name));
        }
    }

    public static string Shipped => System.IO.Path.Combine(RepositoryLayout.Root, "models", "fastav-tiny");

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>Replaces <paramref name="find"/> in a JSON file (the text must be there: a silent no-op would test nothing).</summary>
    public void Edit(string name, string find, string replace)
    {
        var text = System.IO.File.ReadAllText(File(name));
        Assert.Contains(find, text, StringComparison.Ordinal);
        System.IO.File.WriteAllText(File(name), text.Replace(find, replace, StringComparison.Ordinal));
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A scratch folder left in /tmp is harmless.
        }
    }
}
