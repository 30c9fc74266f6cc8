namespace FastAV.Live.Torch;

/// <summary>Resampling for <see cref="Functional.Interpolate"/> (values are the shim's mode codes).</summary>
public enum InterpolateMode
{
    Nearest = 0,
    Bilinear = 1,
}
