using FastAV.Live.Models.Projectors;

namespace FastAV.Live.Models.Audio;

/// <summary>
/// A Whisper encoder (Hugging Face WhisperConfig encoder fields), tensor names under
/// <see cref="Prefix"/>: <c>conv1</c>, <c>conv2</c>, <c>embed_positions.weight</c>,
/// <c>layers.N.*</c>, <c>layer_norm</c>.
/// </summary>
public sealed record AudioEncoderConfig
{
    /// <summary>Log-mel frames per second of 16 kHz audio (hop 160).</summary>
    public const int FramesPerSecond = 100;

    /// <summary>Encoder positions per second: conv2 has stride 2.</summary>
    public const int PositionsPerSecond = 50;

    /// <summary>Upper bound on every size, so a hostile config cannot ask for absurd allocations.</summary>
    public const int MaxSize = 1 << 16;

    /// <summary><c>num_mel_bins</c>: 80 (Whisper up to large-v2) or 128 (large-v3).</summary>
    public required int MelBinCount { get; init; }

    /// <summary><c>d_model</c>.</summary>
    public required int HiddenSize { get; init; }

    /// <summary><c>encoder_layers</c>.</summary>
    public required int LayerCount { get; init; }

    /// <summary><c>encoder_attention_heads</c>.</summary>
    public required int HeadCount { get; init; }

    /// <summary><c>encoder_ffn_dim</c>.</summary>
    public required int FfnSize { get; init; }

    /// <summary><c>max_source_positions</c>: rows of the position table (1500 = 30 s).</summary>
    public int MaxSourcePositions { get; init; } = 1500;

    public double LayerNormEps { get; init; } = 1e-5;

    /// <summary><c>activation_function</c>.</summary>
    public Activation Activation { get; init; } = Activation.Gelu;

    /// <summary>"encoder" in WhisperModel checkpoints, "model.encoder" in WhisperForConditionalGeneration, e.g. "audio_tower" elsewhere.</summary>
    public string Prefix { get; init; } = "encoder";

    /// <summary>
    /// Whether <c>embed_positions.weight</c> is in the checkpoint (Hugging Face saves it); otherwise the
    /// encoder computes Whisper's sinusoid table itself.
    /// </summary>
    public bool PositionsInWeights { get; init; } = true;

    public int HeadDim => HiddenSize / HeadCount;

    /// <summary>Longest input in mel frames: two per position.</summary>
    public int MaxFrames => 2 * MaxSourcePositions;

    /// <summary>Encoder positions for a mel input: conv2 (kernel 3, stride 2, padding 1) gives ⌈frames / 2⌉.</summary>
    public static int PositionCount(int frames) => (frames + 1) / 2;

    public void Validate()
    {
        if (MelBinCount is not (80 or 128))
        {
            throw new ArgumentOutOfRangeException(nameof(MelBinCount), MelBinCount, "Whisper encoders take 80 or 128 mel bins");
        }

        InRange(HiddenSize, 1, nameof(HiddenSize));
        InRange(LayerCount, 0, nameof(LayerCount));
        InRange(HeadCount, 1, nameof(HeadCount));
        InRange(FfnSize, 1, nameof(FfnSize));
        InRange(MaxSourcePositions, 1, nameof(MaxSourcePositions));
        if (HiddenSize % HeadCount != 0)
        {
            throw new ArgumentException($"HiddenSize {HiddenSize} is not a multiple of HeadCount {HeadCount}");
        }

        if (!PositionsInWeights && (HiddenSize % 2 != 0 || HiddenSize < 4))
        {
            throw new ArgumentException($"computed sinusoid positions need an even HiddenSize of at least 4, got {HiddenSize}");
        }

        if (!(LayerNormEps > 0) || double.IsInfinity(LayerNormEps))
        {
            throw new ArgumentOutOfRangeException(nameof(LayerNormEps), LayerNormEps, "must be a positive number");
        }

        if (!Enum.IsDefined(Activation))
        {
            throw new ArgumentOutOfRangeException(nameof(Activation), Activation, "unknown activation");
        }

        ArgumentNullException.ThrowIfNull(Prefix);
    }

    private static void InRange(int value, int min, string name)
    {
        if (value < min || value > MaxSize)
        {
            throw new ArgumentOutOfRangeException(name, value, $"must be in [{min}, {MaxSize}]");
        }
    }
}
