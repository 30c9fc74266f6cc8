namespace FastAV.Live.Engine;

/// <summary>What a token in a stream's timeline is. Only media tokens are ever pruned or evicted by content.</summary>
public enum TokenKind : byte
{
    /// <summary>Text of the system/user prompt: always kept.</summary>
    Prompt,

    Video,

    Audio,

    /// <summary>Ends a window; its query row scores the window while streaming.</summary>
    Separator,

    Question,

    Answer,
}
