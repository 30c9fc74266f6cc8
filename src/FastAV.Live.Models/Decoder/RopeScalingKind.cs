namespace FastAV.Live.Models.Decoder;

/// <summary>How RoPE frequencies are adapted to longer contexts (Hugging Face's rope_scaling.rope_type).</summary>
public enum RopeScalingKind
{
    /// <summary>Plain RoPE: inv_freq = 1 / theta^(2i/d).</summary>
    None,

    /// <summary>Position interpolation: every frequency divided by the factor.</summary>
    Linear,

    /// <summary>
    /// Dynamic NTK: theta grows with the attended length (largest attended position + 1) once it passes
    /// MaxPositionEmbeddings. Cached keys are rotated with the theta of each attention call (Hugging
    /// Face rotates them once, when they are cached), so a cached prefill equals a whole-sequence pass
    /// only while the length stays within MaxPositionEmbeddings.
    /// </summary>
    Dynamic,

    /// <summary>LLaMA 3.1: low frequencies divided by the factor, high ones kept, a smooth ramp between.</summary>
    Llama3,
}
