namespace FastAV.Live.Models.Config;

/// <summary>
/// fastav.json's prompt. "chatml" / "plain": the chat format, the system message, and the user turn with placeholders
/// {video}, {audio} and {question} (window tokens go where {video}/{audio} are). "stream": a live stream's layout —
/// <see cref="StreamPrefix"/> once, then every window as <see cref="Window"/> ({video}, {audio} and literal text such
/// as the separator token), then each question as <see cref="Question"/> ({question} and the assistant turn's opening).
/// </summary>
public sealed record PromptTemplateConfig
{
    /// <summary>"chatml" (Qwen2: &lt;|im_start|&gt;role\n…&lt;|im_end|&gt;), "plain" (the user turn alone) or "stream".</summary>
    public string Format { get; init; } = "chatml";

    public string? System { get; init; } = "You are a helpful assistant.";

    public string User { get; init; } = "{video}{audio}{question}";

    /// <summary>"stream" only: text before the first window ("&lt;|im_start|&gt;user\n").</summary>
    public string StreamPrefix { get; init; } = string.Empty;

    /// <summary>"stream" only: one window ("{video}{audio}&lt;|window|&gt;").</summary>
    public string Window { get; init; } = "{video}{audio}";

    /// <summary>"stream" only: a question after the windows ("{question}&lt;|im_end|&gt;\n&lt;|im_start|&gt;assistant\n").</summary>
    public string Question { get; init; } = "{question}";

    public bool IsStream => Format == "stream";

    /// <summary>Where the window tokens are placed: the window template for "stream", the user turn otherwise.</summary>
    public string MediaTemplate => IsStream ? Window : User;

    internal static PromptTemplateConfig Read(ConfigJson? json)
    {
        if (json is null)
        {
            return new PromptTemplateConfig();
        }

        var format = json.String("format", "chatml");
        if (format is not ("chatml" or "plain" or "stream"))
        {
            throw new NotSupportedException($"{json.Source}: prompt format '{format}' is not supported (chatml, plain, stream)");
        }

        if (format == "stream")
        {
            var window = json.String("window");
            var question = json.String("question");
            if (!question.Contains("{question}", StringComparison.Ordinal))
            {
                throw json.Bad("question", "must contain {question}", question);
            }

            if (window.Contains("{question}", StringComparison.Ordinal))
            {
                throw json.Bad("window", "must not contain {question}", window);
            }

            return new PromptTemplateConfig
            {
                Format = format,
                System = null,
                User = string.Empty,
                StreamPrefix = json.String("stream_prefix", string.Empty),
                Window = window,
                Question = question,
            };
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
