namespace FastAV.Live.Models.Config;

/// <summary>
/// rope_scaling of a decoder config. Linear divides positions by <see cref="Factor"/>; dynamic NTK grows theta past
/// <see cref="OriginalMaxPositionEmbeddings"/>; llama3 rescales frequencies between the low/high frequency
/// wavelengths; yarn blends interpolation and extrapolation by beta_fast/beta_slow with an attention factor.
/// </summary>
public sealed record RopeScalingConfig
{
    public required RopeScalingType Type { get; init; }

    public required double Factor { get; init; }

    public int? OriginalMaxPositionEmbeddings { get; init; }

    public double? LowFreqFactor { get; init; }

    public double? HighFreqFactor { get; init; }

    public double BetaFast { get; init; } = 32;

    public double BetaSlow { get; init; } = 1;

    public double? AttentionFactor { get; init; }

    /// <summary>Null for "default" (no scaling).</summary>
    internal static RopeScalingConfig? Read(ConfigJson json)
    {
        var typeName = json.OptionalString("rope_type") ?? json.OptionalString("type") ?? throw json.Missing("type (or rope_type)");
        RopeScalingType type = typeName switch
        {
            "default" => (RopeScalingType)(-1),
            "linear" => RopeScalingType.Linear,
            "dynamic" => RopeScalingType.Dynamic,
            "llama3" => RopeScalingType.Llama3,
            "yarn" => RopeScalingType.Yarn,
            _ => throw new NotSupportedException($"{json.Source}: rope scaling type '{typeName}' is not supported (linear, dynamic, llama3, yarn)"),
        };
        if ((int)type < 0)
        {
            return null;
        }

        var factor = json.OptionalDouble("factor") ?? throw json.Missing("factor");
        if (factor < 1)
        {
            throw json.Bad("factor", "must be at least 1", factor);
        }

        var config = new RopeScalingConfig
        {
            Type = type,
            Factor = factor,
            OriginalMaxPositionEmbeddings = json.Has("original_max_position_embeddings") ? json.PositiveInt("original_max_position_embeddings") : null,
            LowFreqFactor = json.OptionalDouble("low_freq_factor"),
            HighFreqFactor = json.OptionalDouble("high_freq_factor"),
            BetaFast = json.OptionalDouble("beta_fast") ?? 32,
            BetaSlow = json.OptionalDouble("beta_slow") ?? 1,
            AttentionFactor = json.OptionalDouble("attention_factor"),
        };

        if (type == RopeScalingType.Llama3)
        {
            var low = config.LowFreqFactor ?? throw json.Missing("low_freq_factor");
            var high = config.HighFreqFactor ?? throw json.Missing("high_freq_factor");
            _ = config.OriginalMaxPositionEmbeddings ?? throw json.Missing("original_max_position_embeddings");
            if (low <= 0 || high <= low)
            {
                throw json.Bad("high_freq_factor", $"must exceed low_freq_factor ({low}) > 0", high);
            }
        }

        if (type == RopeScalingType.Yarn && (config.BetaSlow <= 0 || config.BetaFast <= config.BetaSlow))
        {
            throw json.Bad("beta_fast", $"must exceed beta_slow ({config.BetaSlow}) > 0", config.BetaFast);
        }

        if (config.AttentionFactor is <= 0)
        {
            throw json.Bad("attention_factor", "must be positive", config.AttentionFactor);
        }

        return config;
    }
}
