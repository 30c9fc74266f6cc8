namespace FastAV.Live.Models.Vision;

/// <summary>Which ViT family's layout and conventions a <see cref="VisionEncoder"/> follows.</summary>
public enum VisionEncoderKind
{
    /// <summary>
    /// SigLIP: patch conv with bias, no class token, no pre-norm, post_layernorm on every token of
    /// the model output, GELU-tanh.
    /// </summary>
    Siglip,

    /// <summary>
    /// CLIP: patch conv without bias, class token and one more position, pre_layrnorm before the
    /// layers; the model output is the last layer's (Hugging Face applies post_layernorm only to
    /// the pooled class token, which no VLM uses), quick_gelu.
    /// </summary>
    Clip,
}
