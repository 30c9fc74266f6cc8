namespace FastAV.Live.Torch;

/// <summary>Resampling for <see cref="Functional.Interpolate"/> (values are the shim's mode codes).</summary>
public enum InterpolateMode
{
    Nearest = 0,
    Bilinear = 1,

    /// <summary>Cubic convolution with a = -0.75 (PyTorch's "bicubic"; what Hugging Face ViTs use to resize position tables).</summary>
    Bicubic = 2,
}
