namespace FastAV.Live.Models.Config;

/// <summary>
/// fastav.json: how a model directory composes into an audio-visual LLM. Paths are folders relative to the model
/// directory ("." is the directory itself). Example:
/// <code>
/// { "llm": "llm", "vision_encoder": "vision", "vision_projector": {"type": "mlp2x_gelu", "weight_prefix": "mm_projector."},
///   "audio_encoder": "audio", "audio_projector": {"type": "linear", "weight_prefix": "audio_projector."},
///   "frames_per_window": 8, "tokens_per_frame": 64, "audio_tokens_per_second": 25,
///   "prompt": {"format": "chatml", "system": "…", "user": "{video}{audio}{question}"},
///   "special_tokens": {"video_pad": "&lt;|video_pad|&gt;", "audio_pad": "&lt;|audio_pad|&gt;", "stop": ["&lt;|im_end|&gt;"]} }
/// </code>
/// </summary>
public sealed record FastAvConfig
{
    public const string FileName = "fastav.json";

    public required string Llm { get; init; }

    /// <summary>Folder holding tokenizer.json; defaults to <see cref="Llm"/>.</summary>
    public required string Tokenizer { get; init; }

    public string? VisionEncoder { get; init; }

    public ProjectorConfig? VisionProjector { get; init; }

    public string? AudioEncoder { get; init; }

    public ProjectorConfig? AudioProjector { get; init; }

    public int FramesPerWindow { get; init; } = 8;

    /// <summary>Visual tokens per frame after pooling (0 without a vision encoder).</summary>
    public int TokensPerFrame { get; init; }

    /// <summary>Audio tokens per second after pooling (0 without an audio encoder).</summary>
    public double AudioTokensPerSecond { get; init; }

    public PromptTemplateConfig Prompt { get; init; } = new();

    public required SpecialTokenNames SpecialTokens { get; init; }

    public static FastAvConfig Load(string path) =>
        ConfigJson.Load(Directory.Exists(path) ? Path.Combine(path, FileName) : path, Read);

    public static FastAvConfig Parse(string json, string source = FileName) =>
        ConfigJson.Parse(System.Text.Encoding.UTF8.GetBytes(json), source, Read);

    private static FastAvConfig Read(ConfigJson json)
    {
        var llm = Folder(json, "llm", required: true)!;
        var vision = Folder(json, "vision_encoder", required: false);
        var audio = Folder(json, "audio_encoder", required: false);
        var config = new FastAvConfig
        {
            Llm = llm,
            Tokenizer = Folder(json, "tokenizer", required: false) ?? llm,
            VisionEncoder = vision,
            VisionProjector = json.Object("vision_projector") is { } vp ? ProjectorConfig.Read(vp) : null,
            AudioEncoder = audio,
            AudioProjector = json.Object("audio_projector") is { } ap ? ProjectorConfig.Read(ap) : null,
            FramesPerWindow = json.PositiveInt("frames_per_window", 8, max: 4096),
            TokensPerFrame = vision is null ? json.OptionalInt("tokens_per_frame") ?? 0 : json.PositiveInt("tokens_per_frame", max: 65536),
            AudioTokensPerSecond = audio is null ? json.OptionalDouble("audio_tokens_per_second") ?? 0 : json.PositiveDouble("audio_tokens_per_second"),
            Prompt = PromptTemplateConfig.Read(json.Object("prompt")),
            SpecialTokens = SpecialTokenNames.Read(json.Object("special_tokens")),
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

        if (vision is not null && !config.Prompt.User.Contains("{video}", StringComparison.Ordinal))
        {
            throw new InvalidDataException($"{json.Source}: prompt.user must place {{video}} when there is a vision encoder");
        }

        if (audio is not null && !config.Prompt.User.Contains("{audio}", StringComparison.Ordinal))
        {
            throw new InvalidDataException($"{json.Source}: prompt.user must place {{audio}} when there is an audio encoder");
        }

        return config;
    }

    private static string? Folder(ConfigJson json, string name, bool required)
    {
        var value = required ? json.String(name) : json.OptionalString(name);
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
