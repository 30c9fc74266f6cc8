namespace FastAV.Live.Media;

/// <summary>How <see cref="ImagePreprocessor"/> fits a picture into the model's input size.</summary>
public enum ResizeMode
{
    /// <summary>Scale so the shorter side fills the target, then cut the centre.</summary>
    CenterCrop,

    /// <summary>Scale so the longer side fits the target, then pad around the centre with the mean colour.</summary>
    Pad,
}
