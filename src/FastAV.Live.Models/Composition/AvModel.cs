using FastAV.Live.Models.Audio;
using FastAV.Live.Models.Config;
using FastAV.Live.Models.Decoder;
using FastAV.Live.Models.Tokenization;
using FastAV.Live.Models.Vision;
using FastAV.Live.Torch;

namespace FastAV.Live.Models.Composition;

/// <summary>
/// A live audio-visual model loaded from one model directory (fastav.json, config.json, *.safetensors,
/// tokenizer.json): tokenizer, prompt pieces as ids, vision tower, audio tower and decoder on one device.
/// <see cref="EmbedWindow(Tensor, Tensor)"/> turns one window's normalised pixels and log-mel into the rows the
/// decoder reads for that window, in the window's layout: [frame tokens of frames 0..F−1][audio tokens][separator].
/// Load it once, outside any <see cref="TensorScope"/>.
/// </summary>
public sealed partial class AvModel : IDisposable
{
    private readonly Tensor _separator; // [1, hidden]

    private AvModel(string directory, FastAvConfig manifest, BpeTokenizer tokenizer, StreamPromptIds prompt, VisionTower? vision, AudioTower? audio, DecoderModel decoder, int imageSize)
    {
        Directory = directory;
        Manifest = manifest;
        Tokenizer = tokenizer;
        Prompt = prompt;
        Vision = vision;
        Audio = audio;
        Decoder = decoder;
        ImageSize = imageSize;
        _separator = decoder.Embed([prompt.Separator]).DetachFromScopes();
    }

    /// <summary>The model directory, absolute.</summary>
    public string Directory { get; }

    public FastAvConfig Manifest { get; }

    public BpeTokenizer Tokenizer { get; }

    public StreamPromptIds Prompt { get; }

    public VisionTower? Vision { get; }

    public AudioTower? Audio { get; }

    public DecoderModel Decoder { get; }

    /// <summary>Side of the square frames the vision encoder takes.</summary>
    public int ImageSize { get; }

    public int FramesPerWindow => Manifest.FramesPerWindow;

    /// <summary>Log-mel frames per window (100 per second).</summary>
    public int MelFrames => MelWindow.FrameCount(Manifest.WindowSeconds);

    public int MelBins => Manifest.AudioFeatures.MelBins;

    public int TokensPerWindow => Prompt.TokensPerWindow;

    public int HiddenSize => Decoder.Config.HiddenSize;

    /// <summary>A question's ids: the question template around <paramref name="question"/>, which is encoded as plain text (it cannot spell control tokens).</summary>
    public int[] QuestionIds(string question)
    {
        ArgumentNullException.ThrowIfNull(question);
        var template = Manifest.Prompt.Question;
        var at = template.IndexOf("{question}", StringComparison.Ordinal);
        var ids = new List<int>();
        Tokenizer.EncodeSegments([(template[..at], true), (question, false), (template[(at + "{question}".Length)..], true)], ids);
        return [.. ids];
    }

    /// <summary>
    /// pixels [FramesPerWindow, 3, ImageSize, ImageSize] (normalised) and mel [MelBins, MelFrames] (normalised log-mel)
    /// → [TokensPerWindow, hidden] on the model's device, owned by the caller's scope. Either input may be null when the
    /// model has no such encoder.
    /// </summary>
    public Tensor EmbedWindow(Tensor? pixels, Tensor? mel)
    {
        using var scope = new TensorScope();
        var parts = new List<Tensor>(3);
        if (Vision is not null)
        {
            ArgumentNullException.ThrowIfNull(pixels);
            var s = pixels.Shape;
            if (s.Length != 4 || s[0] != FramesPerWindow || s[1] != 3 || s[2] != ImageSize || s[3] != ImageSize)
            {
                throw new ArgumentException($"pixels must be [{FramesPerWindow}, 3, {ImageSize}, {ImageSize}], got [{string.Join(", ", s)}]", nameof(pixels));
            }

            parts.Add(Vision.Embed(pixels));
        }

        if (Audio is not null)
        {
            ArgumentNullException.ThrowIfNull(mel);
            var s = mel.Shape;
            if (s.Length != 2 || s[0] != MelBins || s[1] != MelFrames)
            {
                throw new ArgumentException($"mel must be [{MelBins}, {MelFrames}], got [{string.Join(", ", s)}]", nameof(mel));
            }

            parts.Add(Audio.Embed(mel, Manifest.WindowSeconds));
        }

        var device = _separator.Device;
        var dtype = _separator.DType;
        var rows = parts.Select(p => p.Device == device && p.DType == dtype ? p : p.To(device, dtype)).Append(_separator).ToList();
        var window = Torch.Torch.Cat(rows);
        if (window.Size(0) != TokensPerWindow)
        {
            throw new InvalidOperationException($"the towers gave {window.Size(0)} rows for a window of {TokensPerWindow} tokens");
        }

        return scope.MoveToOuter(window);
    }

    /// <summary>As <see cref="EmbedWindow(Tensor, Tensor)"/> from flat row-major arrays (what the media featurizer produces).</summary>
    public Tensor EmbedWindow(ReadOnlySpan<float> pixels, ReadOnlySpan<float> mel)
    {
        var pixelCount = Vision is null ? 0 : (long)FramesPerWindow * 3 * ImageSize * ImageSize;
        var melCount = Audio is null ? 0 : (long)MelBins * MelFrames;
        if (pixels.Length != pixelCount)
        {
            throw new ArgumentException($"{pixels.Length} pixel values given; a window needs {pixelCount} ([{FramesPerWindow}, 3, {ImageSize}, {ImageSize}])", nameof(pixels));
        }

        if (mel.Length != melCount)
        {
            throw new ArgumentException($"{mel.Length} log-mel values given; a window needs {melCount} ([{MelBins}, {MelFrames}])", nameof(mel));
        }

        using var scope = new TensorScope();
        var p = Vision is null ? null : Torch.Torch.FromSpan(pixels, FramesPerWindow, 3, ImageSize, ImageSize);
        var m = Audio is null ? null : Torch.Torch.FromSpan(mel, MelBins, MelFrames);
        return scope.MoveToOuter(EmbedWindow(p, m));
    }

    public void Dispose()
    {
        _separator.Dispose();
        Vision?.Dispose();
        Audio?.Dispose();
        Decoder.Dispose();
    }
}
