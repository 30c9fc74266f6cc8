namespace FastAV.Live.Models.Config;

/// <summary>
/// How frames become the vision encoder's pixels (fastav.json's vision_encoder object, Hugging Face preprocessor names):
/// resized to <see cref="Size"/>² by <see cref="Resize"/>, then (x · rescale − mean) / std per channel.
/// </summary>
public sealed record ImageProcessingConfig
{
    /// <summary>Side of the square the encoder takes (its image_size unless fastav.json says otherwise).</summary>
    public int? Size { get; init; }

    /// <summary>"center_crop" (scale the short side, cut the centre), "pad" (scale the long side, pad), or "none" (trained on frames of Size²; live frames of another shape are letterboxed, as "pad").</summary>
    public string Resize { get; init; } = "center_crop";

    /// <summary>Per-channel mean, RGB, after rescaling to [0, 1] (CLIP's by default).</summary>
    public IReadOnlyList<double> Mean { get; init; } = [0.48145466, 0.4578275, 0.40821073];

    public IReadOnlyList<double> Std { get; init; } = [0.26862954, 0.26130258, 0.27577711];

    internal static ImageProcessingConfig Read(ConfigJson? json)
    {
        if (json is null)
        {
            return new ImageProcessingConfig();
        }

        var resize = json.String("resize", "center_crop");
        if (resize is not ("center_crop" or "pad" or "none"))
        {
            throw json.Bad("resize", "must be center_crop, pad or none", resize);
        }

        var rescale = json.OptionalDouble("rescale");
        if (rescale is { } r && Math.Abs(r - (1 / 255.0)) > 1e-9)
        {
            throw json.Bad("rescale", "must be 1/255 (frames are 8-bit RGB)", r);
        }

        var mean = json.Has("image_mean") ? json.DoubleList("image_mean") : [0.48145466, 0.4578275, 0.40821073];
        var std = json.Has("image_std") ? json.DoubleList("image_std") : [0.26862954, 0.26130258, 0.27577711];
        if (mean.Length != 3)
        {
            throw json.Bad("image_mean", "must list 3 numbers (R, G, B)", string.Join(", ", mean));
        }

        if (std.Length != 3 || std.Any(s => !(s > 0)))
        {
            throw json.Bad("image_std", "must list 3 positive numbers (R, G, B)", string.Join(", ", std));
        }

        return new ImageProcessingConfig
        {
            Size = json.Has("image_size") ? json.PositiveInt("image_size", max: 1 << 14) : null,
            Resize = resize,
            Mean = mean,
            Std = std,
        };
    }
}
