namespace FastAV.Live.Models.Config;

/// <summary>
/// The audio encoder's input features (fastav.json's audio_encoder.features): Whisper log-mel of 16 kHz mono, 25 ms Hann
/// window, 10 ms hop, Slaney mel bank, log10 clamped at 1e-10, floored at max − 8, (x + 4) / 4. The only values accepted
/// are the ones the media layer computes, so a model asking for others is refused when loaded, not mis-fed.
/// </summary>
public sealed record AudioFeaturesConfig
{
    public int SamplingRate { get; init; } = 16000;

    public int NFft { get; init; } = 400;

    public int HopLength { get; init; } = 160;

    public int MelBins { get; init; } = 80;

    /// <summary>"per_window": the max − 8 floor is taken over each window's own mel (what FastAV-Tiny trains on).</summary>
    public string Normalise { get; init; } = "per_window";

    internal static AudioFeaturesConfig Read(ConfigJson? json)
    {
        if (json is null)
        {
            return new AudioFeaturesConfig();
        }

        var type = json.String("type", "whisper_log_mel");
        if (type != "whisper_log_mel")
        {
            throw new NotSupportedException($"{json.Source}: audio features '{type}' are not supported (whisper_log_mel)");
        }

        var config = new AudioFeaturesConfig
        {
            SamplingRate = Exactly(json, "sampling_rate", 16000),
            NFft = Exactly(json, "n_fft", 400),
            HopLength = Exactly(json, "hop_length", 160),
            MelBins = json.PositiveInt("num_mel_bins", 80, max: 1024),
            Normalise = json.String("normalise", "per_window"),
        };
        if (config.MelBins is not (80 or 128))
        {
            throw json.Bad("num_mel_bins", "must be 80 or 128", config.MelBins);
        }

        if (json.String("mel_scale", "slaney") != "slaney")
        {
            throw json.Bad("mel_scale", "must be slaney", json.String("mel_scale"));
        }

        if (config.Normalise != "per_window")
        {
            throw json.Bad("normalise", "must be per_window", config.Normalise);
        }

        return config;
    }

    private static int Exactly(ConfigJson json, string name, int value)
    {
        var v = json.PositiveInt(name, value);
        return v == value ? v : throw json.Bad(name, $"must be {value}", v);
    }
}
