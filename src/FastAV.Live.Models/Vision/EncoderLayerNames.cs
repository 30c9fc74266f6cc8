namespace FastAV.Live.Models.Vision;

/// <summary>
/// Tensor names inside one pre-norm transformer encoder layer; the attention is always
/// <c>self_attn.{q,k,v,out}_proj</c>. Shared by the ViT towers and the Whisper encoder, which
/// differ only in these names, the activation and Whisper's bias-free k_proj.
/// </summary>
internal sealed record EncoderLayerNames(string AttentionNorm, string MlpNorm, string Fc1, string Fc2)
{
    /// <summary>SigLIP / CLIP: layer_norm1, layer_norm2, mlp.fc1, mlp.fc2.</summary>
    public static EncoderLayerNames Vit { get; } = new("layer_norm1", "layer_norm2", "mlp.fc1", "mlp.fc2");

    /// <summary>Whisper: self_attn_layer_norm, final_layer_norm, fc1, fc2.</summary>
    public static EncoderLayerNames Whisper { get; } = new("self_attn_layer_norm", "final_layer_norm", "fc1", "fc2");
}
