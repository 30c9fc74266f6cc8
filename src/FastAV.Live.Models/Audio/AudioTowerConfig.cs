using FastAV.Live.Models.Projectors;

namespace FastAV.Live.Models.Audio;

/// <summary>Whisper encoder + average pooling over time to <see cref="TokensPerSecond"/> + MLP projector to the LLM's hidden size.</summary>
public sealed record AudioTowerConfig
{
    public required AudioEncoderConfig Encoder { get; init; }

    public required ProjectorConfig Projector { get; init; }

    /// <summary>LLM tokens per second of audio; must divide the encoder's 50 positions per second (1, 2, 5, 10, 25, 50).</summary>
    public int TokensPerSecond { get; init; } = 25;

    /// <summary>
    /// Null: each window is encoded on its own frames (positions 0..⌈frames/2⌉−1). A length in seconds:
    /// the window is padded with silence to this length before encoding (for models trained only on
    /// full-length input, e.g. 30 s) and only the window's own positions are kept.
    /// </summary>
    public double? PadToSeconds { get; init; }

    /// <summary>Encoder positions averaged into one token.</summary>
    public int PoolingKernel => AudioEncoderConfig.PositionsPerSecond / TokensPerSecond;

    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(Encoder);
        ArgumentNullException.ThrowIfNull(Projector);
        Encoder.Validate();
        Projector.Validate();
        if (Projector.InputSize != Encoder.HiddenSize)
        {
            throw new ArgumentException($"projector input size {Projector.InputSize} differs from the audio hidden size {Encoder.HiddenSize}");
        }

        if (TokensPerSecond < 1 || AudioEncoderConfig.PositionsPerSecond % TokensPerSecond != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(TokensPerSecond), TokensPerSecond, "must divide 50 (1, 2, 5, 10, 25 or 50)");
        }

        if (PadToSeconds is { } pad && MelWindow.FrameCount(pad) > Encoder.MaxFrames)
        {
            throw new ArgumentOutOfRangeException(nameof(PadToSeconds), pad, $"longer than the encoder's {Encoder.MaxFrames} frames");
        }
    }
}
