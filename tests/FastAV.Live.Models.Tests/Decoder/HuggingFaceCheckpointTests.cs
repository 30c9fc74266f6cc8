using System.Text.Json;
using FastAV.Live.Models.Config;
using FastAV.Live.Models.Decoder;
using FastAV.Live.Models.Loading;
using FastAV.Live.Torch;

namespace FastAV.Live.Models.Tests.Decoder;

/// <summary>
/// A Hugging Face-layout Qwen2 checkpoint (config.json + model.safetensors, written by
/// tests/reference/qwen2_checkpoint.py) loads unchanged through the loader, the config mapping and the
/// decoder, and gives the reference's logits.
/// </summary>
public sealed class HuggingFaceCheckpointTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"fastav-qwen2-{Environment.ProcessId}-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    [Fact]
    public void Config_json_and_safetensors_load_and_match_the_reference_logits()
    {
        PythonReference.Run("qwen2_checkpoint.py", _dir);
        using var expected = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(_dir, "expected.json")));
        var ids = expected.RootElement.GetProperty("ids").EnumerateArray().Select(e => e.GetInt64()).ToArray();
        var want = expected.RootElement.GetProperty("logits").EnumerateArray().Select(e => (float)e.GetDouble()).ToArray();

        var hf = Qwen2Config.Load(_dir);
        var config = DecoderConfig.FromHuggingFace(hf);
        Assert.True(config.AttentionBias); // Qwen2's q/k/v bias comes from the model type, not a config field
        Assert.Equal(3, config.LayerCount);

        using var weights = SafetensorsWeights.Open(Path.Combine(_dir, "model.safetensors"));
        using var model = DecoderModel.Load(config, weights);
        using var cache = model.CreateCache();
        using var scope = new TensorScope();
        var positions = Enumerable.Range(0, ids.Length).Select(i => (long)i).ToArray();
        var logits = model.Forward(ids, positions, cache).ToArray<float>();

        Assert.Equal(want.Length, logits.Length);
        var maxDiff = want.Zip(logits, (a, b) => Math.Abs(a - b)).Max();
        Assert.True(maxDiff <= 1e-4, $"max |diff| = {maxDiff}");
    }

    [Fact]
    public void Unsupported_hugging_face_features_are_refused_by_name()
    {
        var llamaWithOutputBias = Qwen2Config.Parse("""
            {"model_type":"llama","hidden_size":8,"intermediate_size":16,"num_hidden_layers":1,"num_attention_heads":2,
             "num_key_value_heads":1,"vocab_size":10,"attention_bias":true}
            """);
        var ex = Assert.Throws<NotSupportedException>(() => DecoderConfig.FromHuggingFace(llamaWithOutputBias));
        Assert.Contains("attention_bias", ex.Message, StringComparison.Ordinal);
    }
}
