namespace FastAV.Live.Server.Inference;

/// <summary>One answered question of a replayed stream: the greedy answer and what producing it cost.</summary>
public sealed record ReplayAnswer
{
    /// <summary>Answer tokens without the stop token.</summary>
    public required int[] Tokens { get; init; }

    public required string Text { get; init; }

    /// <summary>Question prefill + decode, wall-clock milliseconds.</summary>
    public required double LatencyMs { get; init; }
}
