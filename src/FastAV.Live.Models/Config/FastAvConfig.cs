namespace FastAV.Live.Models.Config;

/// <summary>
/// fastav.json: how a model directory composes into an audio-visual LLM. Paths are folders relative to the model
/// directory ("." is the directory itself). Each of llm, vision_encoder and audio_encoder is a folder name or an
/// object {"path", "weight_prefix", …}. A chat model split over folders:
/// <code>
/// { "llm": "llm", "vision_encoder": "vision", "vision_projector": {"type": "mlp2x_gelu", "weight_prefix": "mm_projector."},
///   "audio_encoder": "audio", "audio_projector": {"type": "linear", "weight_prefix": "audio_projector."},
///   "frames_per_window": 8, "tokens_per_frame": 64, "audio_tokens_per_second": 25,
///   "prompt": {"format": "chatml", "system": "…", "user": "{video}{audio}{question}"},
///   "special_tokens": {"video_pad": "&lt;|video_pad|&gt;", "audio_pad": "&lt;|audio_pad|&gt;", "stop": ["&lt;|im_end|&gt;"]} }
/// </code>
/// A live-stream model in one checkpoint (models/fastav-tiny):
/// <code>
/// { "llm": {"path": ".", "weight_prefix": "model."},
///   "vision_encoder": {"path": ".", "weight_prefix": "vision_model.", "image_size": 32, "resize": "none", "image_mean": [0.5, 0.5, 0.5], "image_std": [0.5, 0.5, 0.5]},
///   "vision_projector": {"type": "mlp2x_gelu", "weight_prefix": "vision_projector.", "pooled_grid": [2, 2]},
///   "audio_encoder": {"path": ".", "weight_prefix": "encoder.", "features": {"type": "whisper_log_mel", "num_mel_bins": 80, "normalise": "per_window"}},
///   "audio_projector": {"type": "mlp2x_gelu", "weight_prefix": "audio_projector."},
///   "window_seconds": 1.0, "frames_per_window": 2, "frame_times": [0.0, 0.5], "tokens_per_frame": 4, "audio_tokens_per_second": 5,
///   "prompt": {"format": "stream", "stream_prefix": "&lt;|im_start|&gt;user\n", "window": "{video}{audio}&lt;|window|&gt;",
///              "question": "{question}&lt;|im_end|&gt;\n&lt;|im_start|&gt;assistant\n"},
///   "special_tokens": {"video_pad": "&lt;|video|&gt;", "audio_pad": "&lt;|audio|&gt;", "window_separator": "&lt;|window|&gt;", "stop": ["&lt;|im_end|&gt;"]} }
/// </code>
/// </summary>
public sealed record FastAvConfig
{
    public const string FileName = "fastav.json";

    public string? Name { get; init; }

    /// <summary>What the model was trained on and is not for, in plain language ("domain"); servers tell clients. Null = not described.</summary>
    public string? Domain { get; init; }

    public required string Llm { get; init; }

    /// <summary>Prefix of the decoder's tensor names ("model.").</summary>
    public string LlmWeightPrefix { get; init; } = "model.";

    /// <summary>Folder holding tokenizer.json; defaults to <see cref="Llm"/>.</summary>
    public required string Tokenizer { get; init; }

    public string? VisionEncoder { get; init; }

    /// <summary>Prefix of the vision encoder's tensor names ("vision_model.").</summary>
    public string VisionWeightPrefix { get; init; } = "vision_model.";

    public ImageProcessingConfig Image { get; init; } = new();

    public ProjectorConfig? VisionProjector { get; init; }

    public string? AudioEncoder { get; init; }

    /// <summary>Prefix of the audio encoder's tensor names ("encoder.").</summary>
    public string AudioWeightPrefix { get; init; } = "encoder.";

    public AudioFeaturesConfig AudioFeatures { get; init; } = new();

    public ProjectorConfig? AudioProjector { get; init; }

    /// <summary>Media seconds per window.</summary>
    public double WindowSeconds { get; init; } = 1.0;

    public int FramesPerWindow { get; init; } = 8;

    /// <summary>Where each frame is sampled, in seconds from the window's start, [FramesPerWindow] ascending; empty = evenly spaced from 0.</summary>
    public IReadOnlyList<double> FrameTimes { get; init; } = [];

    /// <summary>Visual tokens per frame after pooling (0 without a vision encoder).</summary>
    public int TokensPerFrame { get; init; }

    /// <summary>Audio tokens per second after pooling (0 without an audio encoder).</summary>
    public double AudioTokensPerSecond { get; init; }

    public PromptTemplateConfig Prompt { get; init; } = new();

    public required SpecialTokenNames SpecialTokens { get; init; }

    /// <summary>The calibrated global keep rule (fastav calibrate --write-model); null when the model was not calibrated.</summary>
    public KeepRuleCalibrationConfig? Calibration { get; init; }

    /// <summary>A keep rule stated by the model's author (not measured); used when there is no <see cref="Calibration"/>.</summary>
    public KeepRuleConfig? KeepRule { get; init; }

    /// <summary>The rule a FastAV stream that sets nothing keeps: the calibrated one, else the stated one, else none.</summary>
    public (int GlobalLayer, int KeepFirstMediaTokens)? DefaultKeepRule =>
        ((KeepFirstRule?)Calibration ?? KeepRule)?.Rule;

    /// <summary>Windows of context the model was trained on; a live stream's default KV budget holds this many. Null = unknown.</summary>
    public int? TrainedWindows { get; init; }

    public static FastAvConfig Load(string path) =>
        ConfigJson.Load(Directory.Exists(path) ? Path.Combine(path, FileName) : path, Read);

    public static FastAvConfig Parse(string json, string source = FileName) =>
        ConfigJson.Parse(System.Text.Encoding.UTF8.GetBytes(json), source, Read);

    private static FastAvConfig Read(ConfigJson json)
    {
        var (llm, llmPrefix, _) = Component(json, "llm", "model.", required: true);
        var (vision, visionPrefix, visionJson) = Component(json, "vision_encoder", "vision_model.", required: false);
        var (audio, audioPrefix, audioJson) = Component(json, "audio_encoder", "encoder.", required: false);
        var windowSeconds = json.PositiveDouble("window_seconds", 1.0);
        var config = new FastAvConfig
        {
            Name = json.OptionalString("name"),
            Domain = json.OptionalString("domain"),
            Llm = llm!,
            LlmWeightPrefix = llmPrefix,
            Tokenizer = Folder(json, "tokenizer", json.OptionalString("tokenizer")) ?? llm!,
            VisionEncoder = vision,
            VisionWeightPrefix = visionPrefix,
            Image = ImageProcessingConfig.Read(visionJson),
            VisionProjector = json.Object("vision_projector") is { } vp ? ProjectorConfig.Read(vp) : null,
            AudioEncoder = audio,
            AudioWeightPrefix = audioPrefix,
            AudioFeatures = AudioFeaturesConfig.Read(audioJson?.Object("features")),
            AudioProjector = json.Object("audio_projector") is { } ap ? ProjectorConfig.Read(ap) : null,
            WindowSeconds = windowSeconds,
            FramesPerWindow = json.PositiveInt("frames_per_window", 8, max: 4096),
            FrameTimes = json.DoubleList("frame_times"),
            TokensPerFrame = vision is null ? json.OptionalInt("tokens_per_frame") ?? 0 : json.PositiveInt("tokens_per_frame", max: 65536),
            AudioTokensPerSecond = audio is null ? json.OptionalDouble("audio_tokens_per_second") ?? 0 : json.PositiveDouble("audio_tokens_per_second"),
            Prompt = PromptTemplateConfig.Read(json.Object("prompt")),
            SpecialTokens = SpecialTokenNames.Read(json.Object("special_tokens")),
            Calibration = KeepRuleCalibrationConfig.Read(json.Object("calibration")),
            KeepRule = KeepRuleConfig.Read(json.Object("keep_rule")),
            TrainedWindows = json.Has("trained_windows") ? json.PositiveInt("trained_windows", max: 1 << 20) : null,
        };

        if (vision is null && audio is null)
        {
            throw new InvalidDataException($"{json.Source}: neither vision_encoder nor audio_encoder is given");
        }

        if ((vision is null) != (config.VisionProjector is null) || (audio is null) != (config.AudioProjector is null))
        {
            throw new InvalidDataException($"{json.Source}: each encoder needs its projector (vision_encoder with vision_projector, audio_encoder with audio_projector)");
        }

        if (config.AudioTokensPerSecond > 1000)
        {
            throw json.Bad("audio_tokens_per_second", "must be at most 1000", config.AudioTokensPerSecond);
        }

        if (config.TokensPerFrame < 0 || config.AudioTokensPerSecond < 0)
        {
            throw new InvalidDataException($"{json.Source}: tokens_per_frame and audio_tokens_per_second cannot be negative");
        }

        if (windowSeconds > 600)
        {
            throw json.Bad("window_seconds", "must be at most 600", windowSeconds);
        }

        var media = config.Prompt.MediaTemplate;
        var where = config.Prompt.IsStream ? "prompt.window" : "prompt.user";
        if (vision is not null && !media.Contains("{video}", StringComparison.Ordinal))
        {
            throw new InvalidDataException($"{json.Source}: {where} must place {{video}} when there is a vision encoder");
        }

        if (audio is not null && !media.Contains("{audio}", StringComparison.Ordinal))
        {
            throw new InvalidDataException($"{json.Source}: {where} must place {{audio}} when there is an audio encoder");
        }

        CheckFrameTimes(json, config);
        if (config.VisionProjector?.PooledGrid is { } grid && grid.Rows * grid.Cols != config.TokensPerFrame)
        {
            throw json.Bad("tokens_per_frame", $"must equal the pooled grid's {grid.Rows}x{grid.Cols} cells", config.TokensPerFrame);
        }

        if (config.AudioProjector?.PooledGrid is not null)
        {
            throw new InvalidDataException($"{json.Source}: audio_projector: pooled_grid is for the vision projector only");
        }

        return config;
    }

    private static void CheckFrameTimes(ConfigJson json, FastAvConfig config)
    {
        var times = config.FrameTimes;
        if (times.Count == 0)
        {
            return;
        }

        if (times.Count != config.FramesPerWindow)
        {
            throw json.Bad("frame_times", $"must list frames_per_window ({config.FramesPerWindow}) times", times.Count);
        }

        for (var i = 0; i < times.Count; i++)
        {
            if (times[i] < 0 || times[i] >= config.WindowSeconds || (i > 0 && times[i] <= times[i - 1]))
            {
                throw json.Bad("frame_times", $"must ascend within [0, window_seconds = {config.WindowSeconds})", times[i]);
            }
        }
    }

    // A component is "folder" or {"path": "folder", "weight_prefix": "…", …}; the object is returned for its other fields.
    private static (string? Folder, string Prefix, ConfigJson? Object) Component(ConfigJson json, string name, string defaultPrefix, bool required)
    {
        if (!json.Has(name))
        {
            return required ? throw json.Missing(name) : (null, defaultPrefix, null);
        }

        if (json.IsString(name))
        {
            return (Folder(json, name, json.String(name)), defaultPrefix, null);
        }

        var part = json.Object(name)!;
        return (Folder(part, "path", part.String("path", ".")), part.String("weight_prefix", defaultPrefix), part);
    }

    private static string? Folder(ConfigJson json, string name, string? value)
    {
        if (value is null)
        {
            return null;
        }

        if (value.Length == 0 || Path.IsPathRooted(value) || value.Replace('\\', '/').Split('/').Contains(".."))
        {
            throw json.Bad(name, "must be a folder inside the model directory", value);
        }

        return value;
    }
}
