using FastAV.Live.Server.Inference;
using FastAV.Live.Server.Tests.Inference;

namespace FastAV.Live.Server.Tests.Hosting;

public sealed class ModelDirectoryTests
{
    [Fact]
    public void DefaultIsFastAvTinyNextToTheExecutable()
    {
        var resolved = ModelHost.Resolve("")!;
        Assert.Equal(Path.Combine(AppContext.BaseDirectory, "models", "fastav-tiny"), resolved);
        Assert.True(File.Exists(Path.Combine(resolved, "model.safetensors")));

        // What the build copied is the repository's model.
        foreach (var name in new[] { "fastav.json", "config.json", "model.safetensors", "tokenizer.json" })
        {
            Assert.Equal(File.ReadAllBytes(Path.Combine(TinyModel.Directory, name)), File.ReadAllBytes(Path.Combine(resolved, name)));
        }
    }

    [Fact]
    public void AConfiguredDirectoryWinsAndMustHoldAModel()
    {
        Assert.Equal(TinyModel.Directory, ModelHost.Resolve(TinyModel.Directory));
        Assert.Null(ModelHost.Resolve("none"));
        var empty = Directory.CreateTempSubdirectory("fastav-no-model-").FullName;
        try
        {
            Assert.Contains("has no fastav.json", Assert.Throws<InvalidOperationException>(() => ModelHost.Resolve(empty)).Message);
        }
        finally
        {
            Directory.Delete(empty);
        }
    }

    [Fact]
    public void TheResolvedDefaultLoads()
    {
        using var model = FastAV.Live.Models.Composition.AvModel.Load(ModelDirectory.Resolve());
        Assert.Equal("fastav-tiny", model.Manifest.Name);
        Assert.Equal(14, model.TokensPerWindow);
    }
}
