using FastAV.Live.Models.Projectors;
using FastAV.Live.Torch;

namespace FastAV.Live.Models.Audio;

/// <summary>
/// Turns a window's log-mel into LLM embeddings: the mel fitted to the window (<see cref="MelWindow"/>),
/// optionally padded to <see cref="AudioTowerConfig.PadToSeconds"/>, Whisper-encoded, the window's
/// positions average-pooled to <see cref="AudioTowerConfig.TokensPerSecond"/>, projected:
/// [TokenCount(seconds), hidden].
/// Build it once, outside any <see cref="TensorScope"/> (the weights it takes would be disposed
/// with that scope); each call returns a tensor the caller owns.
/// </summary>
public sealed class AudioTower : IDisposable
{
    private readonly AudioTowerConfig _config;

    public AudioTower(AudioTowerConfig config, IWeightSource weights)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(weights);
        config.Validate();
        _config = config;
        Encoder = new WhisperEncoder(config.Encoder, weights);
        try
        {
            Projector = new MlpProjector(config.Projector, weights);
        }
        catch
        {
            Encoder.Dispose();
            throw;
        }
    }

    public WhisperEncoder Encoder { get; }

    public MlpProjector Projector { get; }

    public int OutputSize => _config.Projector.OutputSize;

    /// <summary>Rows of <see cref="Embed(Tensor, double)"/> for a window of <paramref name="seconds"/>.</summary>
    public int TokenCount(double seconds) =>
        TimePooling.TokenCount(AudioEncoderConfig.PositionCount(CheckedFrameCount(seconds)), _config.PoolingKernel);

    /// <summary>What the encoder sees for a window: mel [mels, n] -> [mels, frames of the window or of PadToSeconds].</summary>
    public Tensor EncoderInput(Tensor mel, double seconds)
    {
        ArgumentNullException.ThrowIfNull(mel);
        if (mel.Dim != 2 || mel.Size(0) != _config.Encoder.MelBinCount)
        {
            throw new ArgumentException($"mel must be [{_config.Encoder.MelBinCount}, frames], got [{string.Join(", ", mel.Shape)}]", nameof(mel));
        }

        var frames = CheckedFrameCount(seconds);
        using var scope = new TensorScope();
        var window = MelWindow.Fit(mel, frames);
        if (_config.PadToSeconds is { } pad)
        {
            window = MelWindow.Fit(window, MelWindow.FrameCount(pad));
        }

        return scope.MoveToOuter(window);
    }

    /// <summary>The encoder output for the window's own positions: [⌈frames / 2⌉, encoder hidden].</summary>
    public Tensor Features(Tensor mel, double seconds)
    {
        using var scope = new TensorScope();
        var positions = AudioEncoderConfig.PositionCount(CheckedFrameCount(seconds));
        var encoded = Encoder.Forward(EncoderInput(mel, seconds)); // [1, encoder positions, hidden]
        return scope.MoveToOuter(encoded.Select(0, 0).Narrow(0, 0, positions));
    }

    /// <summary>mel [mels, n] of a window of <paramref name="seconds"/> -> [TokenCount(seconds), OutputSize].</summary>
    public Tensor Embed(Tensor mel, double seconds)
    {
        using var scope = new TensorScope();
        var pooled = TimePooling.Pool(Features(mel, seconds).Unsqueeze(0), _config.PoolingKernel); // [1, tokens, hidden]
        return scope.MoveToOuter(Projector.Forward(pooled.Select(0, 0)));
    }

    /// <summary>As <see cref="Embed(Tensor, double)"/> from a flat row-major [mels, frames] array (LogMelSpectrogram's output).</summary>
    public Tensor Embed(ReadOnlySpan<float> mel, double seconds)
    {
        var mels = _config.Encoder.MelBinCount;
        if (mel.Length == 0 || mel.Length % mels != 0)
        {
            throw new ArgumentException($"{mel.Length} values are not [{mels}, frames] log-mel", nameof(mel));
        }

        using var tensor = Torch.Torch.FromSpan(mel, mels, mel.Length / mels);
        return Embed(tensor, seconds);
    }

    public void Dispose()
    {
        Encoder.Dispose();
        Projector.Dispose();
    }

    private int CheckedFrameCount(double seconds)
    {
        var frames = MelWindow.FrameCount(seconds);
        var limit = _config.PadToSeconds is { } pad ? MelWindow.FrameCount(pad) : _config.Encoder.MaxFrames;
        if (frames > limit)
        {
            throw new ArgumentOutOfRangeException(nameof(seconds), seconds, $"a {frames}-frame window exceeds the encoder input of {limit} frames");
        }

        return frames;
    }
}
