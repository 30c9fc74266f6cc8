using FastAV.Live.Models.Loading;
using FastAV.Live.Torch;

namespace FastAV.Live.Models.Tests.Loading;

/// <summary>Checkpoints written by PyTorch (by hand, in the safetensors format) load to exactly the same values.</summary>
public sealed class SafetensorsLoadingTests(PythonCheckpoints checkpoints) : IClassFixture<PythonCheckpoints>
{
    [Theory]
    [InlineData("single")]
    [InlineData("sharded")]
    public void EveryTensorEqualsWhatPyTorchWrote(string layout)
    {
        using var scope = new TensorScope();
        using var weights = SafetensorsWeights.Open(Path.Combine(checkpoints.Directory, layout));
        Assert.Equal(checkpoints.Expected.Keys.Order(), weights.Names.Order());
        Assert.Equal(layout == "single" ? 1 : 2, weights.Files.Count);
        foreach (var (name, (dtypeName, shape, values)) in checkpoints.Expected)
        {
            var t = weights.Get(name, shape);
            Assert.Equal(shape, t.Shape);
            Assert.True(SafetensorsDType.TryParse(dtypeName, out var dtype, out _));
            Assert.Equal(dtype, t.DType);
            Assert.Equal(values, AsDoubles(t));
        }
    }

    [Fact]
    public void HeaderDescribesEachTensorAndMetadata()
    {
        using var file = SafetensorsFile.Open(Path.Combine(checkpoints.Single, "model.safetensors"));
        Assert.Equal("pt", file.Metadata["format"]);
        var q = file.Tensors["model.layers.0.self_attn.q_proj.weight"];
        Assert.Equal("BF16", q.DTypeName);
        Assert.Equal([4L, 6L], q.Shape);
        Assert.Equal(48, q.ByteLength);
        Assert.Equal(0, file.Tensors["nothing"].ByteLength);
    }

    [Fact]
    public void ConvertsToTheRequestedTypeOnLoad()
    {
        using var scope = new TensorScope();
        using var weights = SafetensorsWeights.Open(checkpoints.Single, new SafetensorsOptions { DType = DType.Float32 });
        var q = weights.Get("model.layers.0.self_attn.q_proj.weight");
        Assert.Equal(DType.Float32, q.DType);
        Assert.Equal(checkpoints.Expected["model.layers.0.self_attn.q_proj.weight"].Values, q.ToArray<float>().Select(v => (double)v));
    }

    [Fact]
    public void WrongShapeNamesFileTensorAndExpectedShape()
    {
        using var weights = SafetensorsWeights.Open(checkpoints.Sharded);
        var ex = Assert.Throws<InvalidDataException>(() => weights.Get("model.embed_tokens.weight", 5, 7));
        Assert.Contains("model-00001-of-00002.safetensors", ex.Message);
        Assert.Contains("'model.embed_tokens.weight'", ex.Message);
        Assert.Contains("[7, 5]", ex.Message);
        Assert.Contains("[5, 7] is expected", ex.Message);
    }

    [Fact]
    public void MissingTensorIsAKeyNotFoundNamingIt()
    {
        using var weights = SafetensorsWeights.Open(checkpoints.Single);
        Assert.False(weights.Contains("lm_head.weight"));
        var ex = Assert.Throws<KeyNotFoundException>(() => weights.Get("lm_head.weight"));
        Assert.Contains("'lm_head.weight'", ex.Message);
        Assert.Contains("model.safetensors", ex.Message);
    }

    [Fact]
    public void DisposedFileRefusesToLoad()
    {
        var file = SafetensorsFile.Open(Path.Combine(checkpoints.Single, "model.safetensors"));
        file.Dispose();
        file.Dispose();
        Assert.Throws<ObjectDisposedException>(() => file.Load("scale"));
    }

    private static double[] AsDoubles(Tensor t) => t.DType switch
    {
        DType.Int64 => t.ToArray<long>().Select(v => (double)v).ToArray(),
        DType.Int32 => t.ToArray<int>().Select(v => (double)v).ToArray(),
        DType.UInt8 => t.ToArray<byte>().Select(v => (double)v).ToArray(),
        DType.Bool => t.ToArray<bool>().Select(v => v ? 1.0 : 0.0).ToArray(),
        _ => t.To(DType.Float64).ToArray<double>(),
    };
}
