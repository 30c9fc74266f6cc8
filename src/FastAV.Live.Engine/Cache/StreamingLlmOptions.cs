namespace FastAV.Live.Engine.Cache;

/// <summary>StreamingLLM: attention sinks (the first tokens) plus the most recent ones.</summary>
public sealed record StreamingLlmOptions
{
    public int SinkCount { get; init; } = 4;
}
