namespace FastAV.Live.Engine.Scheduling;

/// <summary>One question being answered over one stream's cache.</summary>
public sealed class QuestionWork
{
    internal QuestionWork(string id, string streamId, int tokenCount, int maxNewTokens)
    {
        Id = id;
        StreamId = streamId;
        TokenCount = tokenCount;
        MaxNewTokens = maxNewTokens;
    }

    public string Id { get; }

    public string StreamId { get; }

    /// <summary>Question tokens prefilled on top of the cache.</summary>
    public int TokenCount { get; }

    public int MaxNewTokens { get; }

    public int GeneratedCount { get; internal set; }

    public QuestionState State { get; internal set; } = QuestionState.Waiting;
}
