using FastAV.Live.Engine.Sessions;

namespace FastAV.Live.Engine.Tests.Sessions;

public sealed class StreamSessionTests
{
    private static readonly StreamSessionOptions Geometry = new() { WindowSeconds = 2, FramesPerWindow = 2, TokensPerFrame = 3, AudioTokensPerWindow = 4 };

    [Fact]
    public void WindowsLayOutFramesThenAudioThenSeparatorOnTheTimeline()
    {
        var session = new StreamSession("cam-1", Geometry);
        session.SetPrompt(5);
        var w = session.AddWindow(10);
        Assert.Equal(11, w.TokenCount);
        Assert.Equal(5, w.FirstTimelineIndex);
        Assert.Equal(
            [TokenKind.Video, TokenKind.Video, TokenKind.Video, TokenKind.Video, TokenKind.Video, TokenKind.Video, TokenKind.Audio, TokenKind.Audio, TokenKind.Audio, TokenKind.Audio, TokenKind.Separator],
            w.Kinds);
        Assert.Equal([10, 10, 10, 11, 11, 11, 10, 10.5, 11, 11.5, 12], w.MediaTimes);
        Assert.Equal([0, 0, 0, 1, 1, 1, -1, -1, -1, -1, -1], w.FrameOfToken);

        var next = session.AddWindow(12);
        Assert.Equal(16, next.FirstTimelineIndex);
        Assert.Equal(1, next.Index);
        Assert.Equal(27, session.TimelineLength);
        Assert.Equal(4, session.PendingSeconds, 9);
    }

    [Fact]
    public void TakingAndDroppingAreCounted()
    {
        var session = new StreamSession("cam-1", Geometry);
        for (var i = 0; i < 5; i++) session.AddWindow(2 * i);
        Assert.True(session.TryTakePending(out var first));
        Assert.Equal(0, first.Index);
        Assert.Equal(2, session.DropOldestPending(2));
        Assert.True(session.TryPeekPending(out var oldest));
        Assert.Equal(3, oldest.Index);
        Assert.Equal(2, session.DroppedWindowCount);
        Assert.Equal(4, session.DroppedSeconds, 9);
        Assert.Equal(1, session.TakenWindowCount);
        Assert.Equal(2, session.DropOldestPending(10));
        Assert.False(session.TryTakePending(out _));
    }

    [Fact]
    public void StandingQuestionsComeDueEveryPeriod()
    {
        var session = new StreamSession("cam-1", Geometry);
        session.AddStandingQuestion(new StandingQuestion { Id = "door", TokenIds = [1, 2, 3], PeriodSeconds = 5 });
        Assert.Empty(session.TakeDueQuestions(4.9));
        Assert.Single(session.TakeDueQuestions(5));
        Assert.Empty(session.TakeDueQuestions(9));
        Assert.Single(session.TakeDueQuestions(23)); // once, however late; next due at 25
        Assert.Empty(session.TakeDueQuestions(24));
        Assert.Single(session.TakeDueQuestions(25));
    }

    [Fact]
    public void HostileInputIsRejectedClearly()
    {
        Assert.Throws<ArgumentException>(() => new StreamSession(" "));
        Assert.Throws<ArgumentOutOfRangeException>(() => new StreamSession("s", new StreamSessionOptions { WindowSeconds = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new StreamSession("s", new StreamSessionOptions { WindowSeconds = double.NaN }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new StreamSession("s", new StreamSessionOptions { TokensPerFrame = -1 }));
        var session = new StreamSession("s", Geometry with { MaxPendingWindows = 2 });
        Assert.Throws<ArgumentOutOfRangeException>(() => session.AddWindow(double.PositiveInfinity));
        Assert.Throws<ArgumentOutOfRangeException>(() => session.AddWindow(-1));
        session.AddWindow(0);
        Assert.Throws<InvalidOperationException>(() => session.SetPrompt(3));
        Assert.Throws<ArgumentOutOfRangeException>(() => session.AddWindow(1)); // overlaps [0, 2)
        session.AddWindow(2);
        Assert.Throws<InvalidOperationException>(() => session.AddWindow(4));
        Assert.Throws<ArgumentException>(() => session.AddStandingQuestion(new StandingQuestion { Id = "q", TokenIds = [] }));
        Assert.Throws<ArgumentOutOfRangeException>(() => session.AddStandingQuestion(new StandingQuestion { Id = "q", TokenIds = [1], PeriodSeconds = 0 }));
        session.AddStandingQuestion(new StandingQuestion { Id = "q", TokenIds = [1] });
        Assert.Throws<ArgumentException>(() => session.AddStandingQuestion(new StandingQuestion { Id = "q", TokenIds = [1] }));
        Assert.Throws<ArgumentOutOfRangeException>(() => session.DropOldestPending(-1));
    }
}
