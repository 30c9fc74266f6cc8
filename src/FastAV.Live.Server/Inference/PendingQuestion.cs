namespace FastAV.Live.Server.Inference;

/// <summary>An ad-hoc question (from the Stream call or from Ask) on its way through the engine.</summary>
internal sealed class PendingQuestion(string engineId, string questionId, string text, int maxTokens, IQuestionSink sink, long receivedTimestamp)
{
    /// <summary>The engine's id: unique per server, never a valid contract id (it holds '/').</summary>
    public string EngineId { get; } = engineId;

    /// <summary>The client's question id (may be empty for Ask).</summary>
    public string QuestionId { get; } = questionId;

    public string Text { get; } = text;

    public int MaxTokens { get; } = maxTokens;

    public IQuestionSink Sink { get; } = sink;

    public long ReceivedTimestamp { get; } = receivedTimestamp;

    public long FirstTokenTimestamp { get; set; }

    public int TokensReported { get; set; }

    /// <summary>When the answer's latest tokens were reported (inter-token latency).</summary>
    public long LastTokenTimestamp { get; set; }

    /// <summary>The asking call's span: the answer's span is its child.</summary>
    public System.Diagnostics.ActivityContext Trace { get; init; }

    /// <summary>Media span the answer covers (set when the question enters the engine).</summary>
    public long SpanStartUs { get; set; }

    public long SpanEndUs { get; set; }
}
