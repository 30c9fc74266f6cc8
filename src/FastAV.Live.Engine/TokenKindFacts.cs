namespace FastAV.Live.Engine;

/// <summary>Which token kinds pruning may remove.</summary>
public static class TokenKindFacts
{
    public static bool IsMedia(this TokenKind kind) => kind is TokenKind.Video or TokenKind.Audio;
}
