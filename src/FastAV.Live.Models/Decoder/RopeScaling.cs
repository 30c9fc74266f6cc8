namespace FastAV.Live.Models.Decoder;

/// <summary>
/// RoPE scaling parameters (Hugging Face's rope_scaling). <see cref="Factor"/> is used by every kind;
/// the frequency factors and the original context length only by <see cref="RopeScalingKind.Llama3"/>.
/// </summary>
public sealed record RopeScaling(
    RopeScalingKind Kind,
    double Factor = 1.0,
    double LowFrequencyFactor = 1.0,
    double HighFrequencyFactor = 4.0,
    long OriginalMaxPositionEmbeddings = 8192)
{
    public static RopeScaling None { get; } = new(RopeScalingKind.None);

    internal void Validate()
    {
        if (Kind == RopeScalingKind.None)
        {
            return;
        }

        if (!double.IsFinite(Factor) || Factor < 1.0)
        {
            throw new ArgumentException($"rope scaling factor must be a finite number >= 1, got {Factor}");
        }

        if (Kind == RopeScalingKind.Llama3)
        {
            if (!double.IsFinite(LowFrequencyFactor) || !double.IsFinite(HighFrequencyFactor) || LowFrequencyFactor <= 0 || HighFrequencyFactor <= LowFrequencyFactor)
            {
                throw new ArgumentException($"llama3 rope scaling needs 0 < low_freq_factor < high_freq_factor, got {LowFrequencyFactor} and {HighFrequencyFactor}");
            }

            if (OriginalMaxPositionEmbeddings <= 0)
            {
                throw new ArgumentException($"llama3 rope scaling needs original_max_position_embeddings > 0, got {OriginalMaxPositionEmbeddings}");
            }
        }
    }
}
