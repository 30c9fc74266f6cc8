namespace FastAV.Live.Models.Config;

/// <summary>fastav.json's special_tokens: the pad tokens that hold window positions, and the stop tokens.</summary>
public sealed record SpecialTokenNames
{
    public string VideoPad { get; init; } = "<|video_pad|>";

    public string AudioPad { get; init; } = "<|audio_pad|>";

    public IReadOnlyList<string> Stop { get; init; } = ["<|im_end|>", "<|endoftext|>"];

    /// <summary>The token that ends every window of a stream (its query row scores the window); null = none.</summary>
    public string? WindowSeparator { get; init; }

    internal static SpecialTokenNames Read(ConfigJson? json)
    {
        if (json is null)
        {
            return new SpecialTokenNames();
        }

        var stop = json.Has("stop") ? json.StringList("stop") : ["<|im_end|>", "<|endoftext|>"];
        if (stop.Length == 0 || stop.Any(string.IsNullOrEmpty))
        {
            throw json.Bad("stop", "must list at least one non-empty token", string.Join(", ", stop));
        }

        return new SpecialTokenNames
        {
            VideoPad = NonEmpty(json, "video_pad", "<|video_pad|>"),
            AudioPad = NonEmpty(json, "audio_pad", "<|audio_pad|>"),
            Stop = stop,
            WindowSeparator = json.Has("window_separator") ? NonEmpty(json, "window_separator", string.Empty) : null,
        };
    }

    private static string NonEmpty(ConfigJson json, string name, string fallback)
    {
        var value = json.String(name, fallback);
        return value.Length > 0 ? value : throw json.Bad(name, "must not be empty", value);
    }
}
