namespace FastAV.Live.Engine.Cache;

/// <summary>Keeps the first SinkCount rows and fills the rest of the budget with the most recent rows.</summary>
public sealed class StreamingLlmEviction : IEvictionPolicy
{
    private readonly StreamingLlmOptions _options;

    public StreamingLlmEviction(StreamingLlmOptions? options = null)
    {
        _options = options ?? new StreamingLlmOptions();
        if (_options.SinkCount < 0) throw new ArgumentOutOfRangeException(nameof(options), _options.SinkCount, "SinkCount must not be negative");
    }

    public string Name => "streaming-llm";

    /// <summary>The first rows always kept (attention sinks).</summary>
    public int SinkCount => _options.SinkCount;

    public float CombineScore(float running, float fresh) => running + fresh;

    public int[] SelectKept(ReadOnlySpan<CachedToken> rows, int keepCount)
    {
        var keep = Math.Clamp(keepCount, 0, rows.Length);
        var sinks = Math.Min(_options.SinkCount, keep);
        var kept = new int[keep];
        for (var i = 0; i < sinks; i++) kept[i] = i;
        for (var i = sinks; i < keep; i++) kept[i] = rows.Length - (keep - i);
        return kept;
    }
}
