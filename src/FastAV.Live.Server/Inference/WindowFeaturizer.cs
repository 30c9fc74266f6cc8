using FastAV.Live.Media;
using FastAV.Live.Models.Composition;
using FastAV.Live.Torch;

namespace FastAV.Live.Server.Inference;

/// <summary>
/// One window of raw media → the decoder rows of that window, featurised exactly as the model was trained
/// (training/fastav_tiny/features.py for FastAV-Tiny): frames through <see cref="ImagePreprocessor"/> with fastav.json's
/// size, resize mode, mean and std; audio through <see cref="LogMelSpectrogram"/> (Whisper log-mel, normalised per
/// window); both through <see cref="AvModel.EmbedWindow(ReadOnlySpan{float}, ReadOnlySpan{float})"/>.
/// It holds no per-call state: concurrent calls are as safe as the model's own EmbedWindow. A model trained on frames of
/// its input size ("resize": "none") still gets frames of any size from live cameras: they are letterboxed (resized whole,
/// aspect kept, padded with the mean colour), so a 16:9 camera's sides are never cut; "center_crop" crops instead.
/// </summary>
public sealed class WindowFeaturizer
{
    private readonly AvModel _model;
    private readonly ImagePreprocessor? _image;
    private readonly LogMelSpectrogram? _mel;

    public WindowFeaturizer(AvModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        _model = model;
        var m = model.Manifest;
        if (model.Vision is not null)
        {
            var image = m.Image;
            _image = new ImagePreprocessor(new ImagePreprocessorOptions
            {
                Height = model.ImageSize,
                Width = model.ImageSize,
                Mode = image.Resize == "center_crop" ? ResizeMode.CenterCrop : ResizeMode.Pad,
                Mean = image.Mean.Select(v => (float)v).ToArray(),
                Std = image.Std.Select(v => (float)v).ToArray(),
            });
        }

        if (model.Audio is not null)
        {
            _mel = new LogMelSpectrogram(m.AudioFeatures.MelBins);
        }

        SamplesPerWindow = (int)Math.Round(m.WindowSeconds * LogMelSpectrogram.SampleRate);
    }

    /// <summary>Audio samples of one window (16 kHz mono).</summary>
    public int SamplesPerWindow { get; }

    public int FramesPerWindow => _model.FramesPerWindow;

    /// <summary>How frames fit the vision encoder's input (null without one): ingest converts sampled frames straight to its resized size.</summary>
    public FrameFit? Fit => _image?.Fit;

    /// <summary>
    /// frames: <see cref="FramesPerWindow"/> packed RGB24 pictures [height, width, 3], all <paramref name="width"/> ×
    /// <paramref name="height"/>; audio: the window's 16 kHz mono samples (cut or zero-padded to
    /// <see cref="SamplesPerWindow"/>) → [TokensPerWindow, hidden] in the caller's scope.
    /// </summary>
    public Tensor Embed(IReadOnlyList<byte[]> frames, int width, int height, ReadOnlySpan<float> audio) =>
        _model.EmbedWindow(Pixels(frames, width, height), Mel(audio));

    /// <summary>[FramesPerWindow, 3, S, S] normalised pixels (empty without a vision encoder).</summary>
    public float[] Pixels(IReadOnlyList<byte[]> frames, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(frames);
        if (_image is null)
        {
            return [];
        }

        if (frames.Count != FramesPerWindow)
        {
            throw new ArgumentException($"a window has {FramesPerWindow} frames, got {frames.Count}", nameof(frames));
        }

        if (width < 1 || height < 1 || width > 1 << 14 || height > 1 << 14)
        {
            throw new ArgumentOutOfRangeException(nameof(width), $"a {width}x{height} frame is not a picture size this accepts (1..16384 per side)");
        }

        var decoded = new DecodedFrame[frames.Count];
        for (var i = 0; i < frames.Count; i++)
        {
            var rgb = frames[i] ?? throw new ArgumentException($"frame {i} is null", nameof(frames));
            if (rgb.Length != (long)width * height * 3)
            {
                throw new ArgumentException($"frame {i} has {rgb.Length} bytes; {width}x{height} RGB24 needs {(long)width * height * 3}", nameof(frames));
            }

            decoded[i] = new DecodedFrame(width, height, 0, rgb);
        }

        return _image.Process(decoded);
    }

    /// <summary>[mel bins, frames of the window] normalised log-mel (empty without an audio encoder).</summary>
    public float[] Mel(ReadOnlySpan<float> audio)
    {
        if (_mel is null)
        {
            return [];
        }

        if (audio.Length == SamplesPerWindow)
        {
            return _mel.Compute(audio);
        }

        // A short window (the stream's last) is padded with silence, a long one cut, so every window has the trained length.
        var exact = new float[SamplesPerWindow];
        audio[..Math.Min(audio.Length, exact.Length)].CopyTo(exact);
        return _mel.Compute(exact);
    }
}
