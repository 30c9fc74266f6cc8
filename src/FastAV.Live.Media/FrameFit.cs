namespace FastAV.Live.Media;

/// <summary>
/// How a picture of any size fits the model's input (Width × Height): the size it is resized to, aspect ratio kept,
/// before <see cref="ImagePreprocessor"/> pads (letterbox) or crops it to the input. Ingest converts sampled frames
/// straight to <see cref="Resized"/>, so the preprocessor's own resize is then the identity.
/// </summary>
public sealed record FrameFit(int Width, int Height, ResizeMode Mode)
{
    /// <summary>
    /// Letterbox (<see cref="ResizeMode.Pad"/>): the longer side fills the input, the other is at most the input's.
    /// Crop: the shorter side fills it, the other is at least the input's.
    /// </summary>
    public (int Width, int Height) Resized(int width, int height)
    {
        if (width < 1 || height < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(width), $"a {width}x{height} picture has no pixels");
        }

        var fit = Mode == ResizeMode.CenterCrop
            ? Math.Max((double)Width / width, (double)Height / height)
            : Math.Min((double)Width / width, (double)Height / height);
        return (Math.Max(1, (int)Math.Round(width * fit)), Math.Max(1, (int)Math.Round(height * fit)));
    }
}
