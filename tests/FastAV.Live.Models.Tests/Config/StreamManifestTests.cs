using FastAV.Live.Models.Config;

namespace FastAV.Live.Models.Tests.Config;

/// <summary>fastav.json's live-stream fields, as training/fastav_tiny/export.py writes them.</summary>
public sealed class StreamManifestTests
{
    private static string Shipped => File.ReadAllText(Path.Combine(RepositoryLayout.Root, "models", "fastav-tiny", "fastav.json"));

    [Fact]
    public void ReadsTheShippedTinyManifest()
    {
        var c = FastAvConfig.Parse(Shipped);
        Assert.Equal("fastav-tiny", c.Name);
        Assert.Equal((".", ".", ".", "."), (c.Llm, c.Tokenizer, c.VisionEncoder, c.AudioEncoder));
        Assert.Equal(("model.", "vision_model.", "encoder."), (c.LlmWeightPrefix, c.VisionWeightPrefix, c.AudioWeightPrefix));
        Assert.Equal((32, "none"), (c.Image.Size, c.Image.Resize));
        Assert.Equal([0.5, 0.5, 0.5], c.Image.Mean);
        Assert.Equal([0.5, 0.5, 0.5], c.Image.Std);
        Assert.Equal((2, 2), c.VisionProjector!.PooledGrid);
        Assert.False(c.VisionProjector.PoolAfterProjector);
        Assert.Equal("vision_projector.", c.VisionProjector.WeightPrefix);
        Assert.Equal((16000, 400, 160, 80, "per_window"), (c.AudioFeatures.SamplingRate, c.AudioFeatures.NFft, c.AudioFeatures.HopLength, c.AudioFeatures.MelBins, c.AudioFeatures.Normalise));
        Assert.Equal((1.0, 2, 4, 5.0), (c.WindowSeconds, c.FramesPerWindow, c.TokensPerFrame, c.AudioTokensPerSecond));
        Assert.Equal([0.0, 0.5], c.FrameTimes);
        Assert.True(c.Prompt.IsStream);
        Assert.Equal("<|im_start|>user\n", c.Prompt.StreamPrefix);
        Assert.Equal("{video}{audio}<|window|>", c.Prompt.Window);
        Assert.Equal("{question}<|im_end|>\n<|im_start|>assistant\n", c.Prompt.Question);
        Assert.Equal(("<|video|>", "<|audio|>", "<|window|>"), (c.SpecialTokens.VideoPad, c.SpecialTokens.AudioPad, c.SpecialTokens.WindowSeparator));
        Assert.Equal(["<|im_end|>"], c.SpecialTokens.Stop);
        Assert.Equal(6, c.TrainedWindows);
    }

    [Theory]
    [InlineData("\"frame_times\": [\n    0.0,\n    0.5\n  ]", "\"frame_times\": [0.0]", "frame_times must list frames_per_window (2) times")]
    [InlineData("\"frame_times\": [\n    0.0,\n    0.5\n  ]", "\"frame_times\": [0.5, 0.0]", "frame_times must ascend")]
    [InlineData("\"frame_times\": [\n    0.0,\n    0.5\n  ]", "\"frame_times\": [0.0, 1.5]", "frame_times must ascend")]
    [InlineData("\"pooled_grid\": [\n      2,\n      2\n    ]", "\"pooled_grid\": [0, 2]", "pooled_grid must be [rows, cols]")]
    [InlineData("\"pooled_grid\": [\n      2,\n      2\n    ]", "\"pooled_grid\": [1.5, 2]", "pooled_grid must be [rows, cols]")]
    [InlineData("\"pooled_grid\": [\n      2,\n      2\n    ]", "\"pooled_grid\": [4, 4]", "must equal the pooled grid's 4x4 cells")]
    [InlineData("\"image_std\": [\n      0.5,\n      0.5,\n      0.5\n    ]", "\"image_std\": [0.5, 0, 0.5]", "image_std must list 3 positive numbers")]
    [InlineData("\"image_mean\": [\n      0.5,\n      0.5,\n      0.5\n    ]", "\"image_mean\": [0.5]", "image_mean must list 3 numbers")]
    [InlineData("\"resize\": \"none\"", "\"resize\": \"stretch\"", "resize must be center_crop, pad or none")]
    [InlineData("\"rescale\": 0.00392156862745098", "\"rescale\": 1.0", "rescale must be 1/255")]
    [InlineData("\"normalise\": \"per_window\"", "\"normalise\": \"global\"", "normalise must be per_window")]
    [InlineData("\"hop_length\": 160", "\"hop_length\": 320", "hop_length must be 160")]
    [InlineData("\"num_mel_bins\": 80", "\"num_mel_bins\": 81", "num_mel_bins must be 80 or 128")]
    [InlineData("\"question\": \"{question}", "\"question\": \"{q}", "question must contain {question}")]
    [InlineData("\"window\": \"{video}{audio}<|window|>\"", "\"window\": \"{audio}<|window|>\"", "prompt.window must place {video}")]
    [InlineData("\"window\": \"{video}{audio}<|window|>\"", "\"window\": \"{video}{audio}{question}\"", "window must not contain {question}")]
    [InlineData("\"window_separator\": \"<|window|>\"", "\"window_separator\": \"\"", "window_separator must not be empty")]
    [InlineData("\"path\": \".\",\n    \"weight_prefix\": \"model.\"", "\"path\": \"../x\", \"weight_prefix\": \"model.\"", "path must be a folder inside the model directory")]
    [InlineData("\"window_seconds\": 1.0", "\"window_seconds\": -1", "window_seconds must be a positive number")]
    [InlineData("\"window_seconds\": 1.0", "\"window_seconds\": 1e6", "window_seconds must be at most 600")]
    [InlineData("\"trained_windows\": 6", "\"trained_windows\": 0", "trained_windows")]
    [InlineData("\"trained_windows\": 6", "\"trained_windows\": -6", "trained_windows")]
    [InlineData("\"trained_windows\": 6", "\"trained_windows\": 99999999999", "trained_windows")]
    [InlineData("\"trained_windows\": 6", "\"trained_windows\": \"six\"", "trained_windows")]
    public void HostileStreamFieldsAreClearErrors(string find, string replace, string message)
    {
        var text = Shipped;
        Assert.Contains(find, text, StringComparison.Ordinal);
        var ex = Assert.Throws<InvalidDataException>(() => FastAvConfig.Parse(text.Replace(find, replace, StringComparison.Ordinal)));
        Assert.Contains(message, ex.Message);
    }

    [Fact]
    public void UnknownFeatureTypesAndFormatsAreNotSupported()
    {
        Assert.Throws<NotSupportedException>(() => FastAvConfig.Parse(Shipped.Replace("\"type\": \"whisper_log_mel\"", "\"type\": \"mfcc\"", StringComparison.Ordinal)));
        Assert.Throws<NotSupportedException>(() => FastAvConfig.Parse(Shipped.Replace("\"format\": \"stream\"", "\"format\": \"vicuna\"", StringComparison.Ordinal)));
    }

    [Fact]
    public void ReadsWhisperEncoderNestedUnderAudioConfig()
    {
        var w = WhisperEncoderConfig.Load(Path.Combine(RepositoryLayout.Root, "models", "fastav-tiny"));
        Assert.Equal((48, 1, 2, 96, 80, 50, 1e-5), (w.DModel, w.EncoderLayers, w.EncoderAttentionHeads, w.EncoderFfnDim, w.NumMelBins, w.MaxSourcePositions, w.LayerNormEps));
    }
}
