namespace FastAV.Live.Models.Config;

/// <summary>
/// fastav.json's prompt: the chat format, the system message, and the user turn with placeholders
/// {video}, {audio} and {question} (window tokens go where {video}/{audio} are).
/// </summary>
public sealed record PromptTemplateConfig
{
    /// <summary>"chatml" (Qwen2: &lt;|im_start|&gt;role\n…&lt;|im_end|&gt;) or "plain" (the user turn alone).</summary>
    public string Format { get; init; } = "chatml";

    public string? System { get; init; } = "You are a helpful assistant.";

    public string User { get; init; } = "{video}{audio}{question}";

    internal static PromptTemplateConfig Read(ConfigJson? json)
    {
        if (json is null)
        {
            return new PromptTemplateConfig();
        }

        var format = json.String("format", "chatml");
        if (format is not ("chatml" or "plain"))
        {
            throw new NotSupportedException($"{json.Source}: prompt format '{format}' is not supported (chatml, plain)");
        }

        var user = json.String("user", "{video}{audio}{question}");
        if (!user.Contains("{question}", StringComparison.Ordinal))
        {
            throw json.Bad("user", "must contain {question}", user);
        }

        return new PromptTemplateConfig
        {
            Format = format,
            System = json.Has("system") ? json.String("system") : "You are a helpful assistant.",
            User = user,
        };
    }
}
