using System.Text.Json;
using FastAV.Live.Models.Composition;
using FastAV.Live.Torch;

namespace FastAV.Live.Models.Tests.Composition;

public sealed class AvModelTests
{
    private static readonly Lazy<AvModel> Tiny = new(() => AvModel.Load(TinyModelDirectory.Shipped));

    [Fact]
    public void PromptIdsAreTheTrainingLayout()
    {
        var model = Tiny.Value;
        using var goldens = JsonDocument.Parse(File.ReadAllText(Path.Combine(TinyModelDirectory.Shipped, "goldens.json")));
        var root = goldens.RootElement;
        var expected = root.GetProperty("input_ids").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        var windows = root.GetProperty("windows").GetInt32();
        var p = model.Prompt;
        int[] ids = [.. p.StreamPrefix, .. Enumerable.Range(0, windows).SelectMany(_ => p.Window), .. model.QuestionIds(root.GetProperty("question").GetString()!)];
        Assert.Equal(expected, ids);

        // [video × F·tpf][audio × aps][separator], from fastav.json's numbers.
        var m = model.Manifest;
        Assert.Equal(m.FramesPerWindow * m.TokensPerFrame, p.VideoTokens);
        Assert.Equal((int)(m.AudioTokensPerSecond * m.WindowSeconds), p.AudioTokens);
        Assert.Equal(p.VideoTokens + p.AudioTokens + 1, model.TokensPerWindow);
        Assert.All(p.Window.Take(p.VideoTokens), id => Assert.Equal(p.VideoPad, id));
        Assert.All(p.Window.Skip(p.VideoTokens).Take(p.AudioTokens), id => Assert.Equal(p.AudioPad, id));
        Assert.Equal(p.Separator, p.Window[^1]);
        Assert.Equal(model.Tokenizer.GetId("<|im_end|>"), p.Stop[0]);
    }

    [Fact]
    public void QuestionsCannotSpellControlTokens()
    {
        var model = Tiny.Value;
        var ids = model.QuestionIds("what<|window|>?");
        Assert.DoesNotContain(model.Prompt.Separator, ids);
        Assert.Contains(model.Prompt.Stop[0], ids); // the template's own <|im_end|>
    }

    [Fact]
    public void EmbedWindowIsTheWindowLayoutWithTheSeparatorLast()
    {
        var model = Tiny.Value;
        using var scope = new TensorScope();
        var pixels = new float[model.FramesPerWindow * 3 * model.ImageSize * model.ImageSize];
        var mel = new float[model.MelBins * model.MelFrames];
        for (var i = 0; i < pixels.Length; i++) pixels[i] = ((i * 37) % 255 / 127.5f) - 1;
        for (var i = 0; i < mel.Length; i++) mel[i] = -0.5f + ((i * 13) % 100 / 100f);
        var window = model.EmbedWindow(pixels, mel);
        Assert.Equal([model.TokensPerWindow, model.HiddenSize], window.Shape);
        var separator = model.Decoder.Embed([model.Prompt.Separator]).ToArray<float>();
        Assert.Equal(separator, window.Narrow(0, model.TokensPerWindow - 1, 1).Contiguous().ToArray<float>());

        // The first frame's tokens are the vision tower's output for that frame.
        var vision = model.Vision!.Embed(Torch.Torch.FromSpan<float>(pixels, model.FramesPerWindow, 3, model.ImageSize, model.ImageSize)).ToArray<float>();
        Assert.Equal(vision, window.Narrow(0, 0, model.Prompt.VideoTokens).Contiguous().ToArray<float>());
    }

    [Fact]
    public void WrongWindowInputsAreClearErrors()
    {
        var model = Tiny.Value;
        Assert.Contains("pixel values given", Assert.Throws<ArgumentException>(() => model.EmbedWindow(new float[5], new float[model.MelBins * model.MelFrames])).Message);
        Assert.Contains("log-mel values given", Assert.Throws<ArgumentException>(() =>
            model.EmbedWindow(new float[model.FramesPerWindow * 3 * model.ImageSize * model.ImageSize], new float[80 * 99])).Message);
        using var scope = new TensorScope();
        Assert.Contains("pixels must be", Assert.Throws<ArgumentException>(() =>
            model.EmbedWindow(Torch.Torch.Zeros([3, 3, 32, 32]), Torch.Torch.Zeros([80, 100]))).Message);
        Assert.Contains("mel must be", Assert.Throws<ArgumentException>(() =>
            model.EmbedWindow(Torch.Torch.Zeros([model.FramesPerWindow, 3, 32, 32]), Torch.Torch.Zeros([80, 3000]))).Message);
    }

    [Fact]
    public void MissingDirectoryAndFilesAreNamed()
    {
        Assert.Throws<DirectoryNotFoundException>(() => AvModel.Load("/nonexistent/fastav-model"));
        foreach (var name in new[] { "fastav.json", "config.json", "tokenizer.json", "model.safetensors" })
        {
            using var dir = new TinyModelDirectory();
            File.Delete(dir.File(name));
            var ex = Assert.Throws<FileNotFoundException>(() => AvModel.Load(dir.Path));
            Assert.Contains(name, ex.Message);
        }
    }

    [Fact]
    public void DamagedFilesAreInvalidData()
    {
        using var dir = new TinyModelDirectory();
        var bytes = File.ReadAllBytes(dir.File("model.safetensors"));
        File.WriteAllBytes(dir.File("model.safetensors"), bytes[..(bytes.Length / 2)]);
        Assert.Throws<InvalidDataException>(() => AvModel.Load(dir.Path));

        File.WriteAllBytes(dir.File("model.safetensors"), bytes);
        File.WriteAllText(dir.File("fastav.json"), "{\"llm\": ");
        Assert.Contains("not valid JSON", Assert.Throws<InvalidDataException>(() => AvModel.Load(dir.Path)).Message);
    }

    [Theory]
    [InlineData("config.json", "\"hidden_size\": 64", "\"hidden_size\": 96", "shape")]
    [InlineData("config.json", "\"intermediate_size\": 96", "\"intermediate_size\": 64", "shape")]
    [InlineData("config.json", "\"vocab_size\": 430", "\"vocab_size\": 100", "vocab_size")]
    [InlineData("fastav.json", "\"tokens_per_frame\": 4", "\"tokens_per_frame\": 5", "pooled grid")]
    [InlineData("fastav.json", "\"audio_tokens_per_second\": 5", "\"audio_tokens_per_second\": 3", "must divide")]
    [InlineData("fastav.json", "\"window_separator\": \"<|window|>\"", "\"window_separator\": \"<|nope|>\"", "window_separator")]
    [InlineData("fastav.json", "\"weight_prefix\": \"vision_model.\"", "\"weight_prefix\": \"vision_tower.\"", "missing tensor")]
    [InlineData("fastav.json", "\"num_mel_bins\": 80", "\"num_mel_bins\": 128", "mel bins")]
    public void InconsistentDirectoriesAreInvalidData(string file, string find, string replace, string message)
    {
        using var dir = new TinyModelDirectory();
        dir.Edit(file, find, replace);
        var ex = Assert.Throws<InvalidDataException>(() => AvModel.Load(dir.Path));
        Assert.Contains(message, ex.Message);
    }

    [Theory]
    [InlineData("\"window\": \"{video}{audio}<|window|>\"", "\"window\": \"{audio}{video}<|window|>\"")]
    [InlineData("\"format\": \"stream\"", "\"format\": \"stream\", \"user\": \"x\"")]
    public void LayoutsTheEngineCannotRunAreNotSupported(string find, string replace)
    {
        using var dir = new TinyModelDirectory();
        dir.Edit("fastav.json", find, replace);
        if (replace.Contains("\"user\"", StringComparison.Ordinal))
        {
            // An extra field is ignored; the stream layout still loads.
            using var model = AvModel.Load(dir.Path);
            Assert.Equal(14, model.TokensPerWindow);
            return;
        }

        Assert.Throws<NotSupportedException>(() => AvModel.Load(dir.Path));
    }
}
