namespace FastAV.Live.Engine.Sessions;

/// <summary>
/// W seconds of media as a block of tokens: [frame tokens][audio tokens][separator]. Arrays are [TokenCount].
/// </summary>
public sealed class Window
{
    internal Window(long index, double startSeconds, double durationSeconds, long firstTimelineIndex, TokenKind[] kinds, double[] mediaTimes, int[] frameOfToken)
    {
        Index = index;
        StartSeconds = startSeconds;
        DurationSeconds = durationSeconds;
        FirstTimelineIndex = firstTimelineIndex;
        Kinds = kinds;
        MediaTimes = mediaTimes;
        FrameOfToken = frameOfToken;
    }

    public long Index { get; }

    public double StartSeconds { get; }

    public double DurationSeconds { get; }

    public double EndSeconds => StartSeconds + DurationSeconds;

    /// <summary>Timeline index (original position) of the window's first token.</summary>
    public long FirstTimelineIndex { get; }

    public int TokenCount => Kinds.Length;

    public TokenKind[] Kinds { get; }

    /// <summary>Media time of each token in seconds.</summary>
    public double[] MediaTimes { get; }

    /// <summary>Frame of each token inside the window, −1 for audio and the separator.</summary>
    public int[] FrameOfToken { get; }
}
