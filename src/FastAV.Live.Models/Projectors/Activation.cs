namespace FastAV.Live.Models.Projectors;

/// <summary>Hidden activations of the encoders and projectors (Hugging Face <c>hidden_act</c> names in <see cref="ActivationNames"/>).</summary>
public enum Activation
{
    /// <summary>Exact GELU, x·Φ(x) ("gelu"): Whisper, LLaVA / VideoLLaMA2 projectors.</summary>
    Gelu,

    /// <summary>Tanh-approximated GELU ("gelu_pytorch_tanh", "gelu_new"): SigLIP.</summary>
    GeluTanh,

    /// <summary>x·sigmoid(1.702·x) ("quick_gelu"): OpenAI CLIP.</summary>
    QuickGelu,
}
