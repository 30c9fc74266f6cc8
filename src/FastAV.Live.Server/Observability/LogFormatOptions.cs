namespace FastAV.Live.Server.Observability;

/// <summary>Console logging (configuration section "Logging", beside the standard LogLevel keys).</summary>
public sealed class LogFormatOptions
{
    public const string SectionName = "Logging";

    /// <summary>"simple" (one readable line per entry) or "json" (one JSON object per line, with scopes: method, peer, stream id, trace id). Default simple.</summary>
    public string Format { get; set; } = "simple";

    /// <summary>Log question and answer text at Information. Default false: log lines carry ids and numbers, never media bytes or question text.</summary>
    public bool IncludeQuestionText { get; set; }

    public List<string> Validate() =>
        Format is "simple" or "json" ? [] : [$"Logging:Format '{Format}' must be simple or json."];
}
