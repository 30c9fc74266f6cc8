namespace FastAV.Live.Media.Tests;

public sealed class WindowAssemblerTests
{
    private static readonly WindowAssemblerOptions Options = new() { WindowSeconds = 1, LatenessToleranceSeconds = 0.3, OriginMicroseconds = 0 };

    [Fact]
    public void CutsFramesAndAudioByMediaTime()
    {
        var assembler = new WindowAssembler(Options);
        var windows = new List<MediaWindow>();
        for (var ms = 0; ms < 3000; ms += 100)
        {
            if (ms % 500 == 0)
            {
                windows.AddRange(assembler.AddFrame(Frame(ms)));
            }

            windows.AddRange(assembler.AddAudio(Audio(ms, 100)));
        }

        windows.AddRange(assembler.Flush());

        Assert.Equal([0L, 1, 2], windows.Select(w => w.Index));
        Assert.All(windows, w => Assert.False(w.IsPartial)); // audio reached 3.0 s: the flushed last window is complete
        foreach (var w in windows)
        {
            Assert.Equal([w.Index * 1_000_000, (w.Index * 1_000_000) + 500_000], w.Frames.Select(f => f.TickPtsMicroseconds));
            Assert.Equal(16000, w.Audio.Length);
            Assert.Equal(0, w.MissingAudioSampleCount);
            Assert.Equal(w.Index * 16000, w.Audio[0]); // each sample holds its global index
            Assert.Equal((w.Index * 16000) + 15999, w.Audio[^1]);
        }
    }

    [Fact]
    public void AcceptsReorderedChunksWithinToleranceAndCountsLateAndDuplicateOnes()
    {
        var assembler = new WindowAssembler(Options);
        var windows = new List<MediaWindow>();
        windows.AddRange(assembler.AddAudio(Audio(0, 500)));
        windows.AddRange(assembler.AddAudio(Audio(1000, 200))); // early: 500..1000 still missing
        windows.AddRange(assembler.AddAudio(Audio(500, 500)));  // out of order, within tolerance
        windows.AddRange(assembler.AddAudio(Audio(400, 200)));  // 400..500 duplicate, 500..600 duplicate
        Assert.Empty(windows);
        windows.AddRange(assembler.AddAudio(Audio(1200, 200))); // media time 1.4 s > 1 s + 0.3 s: window 0 complete
        Assert.Single(windows);
        Assert.Equal(0, windows[0].MissingAudioSampleCount);
        Assert.Equal(Enumerable.Range(0, 16000).Select(i => (float)i), windows[0].Audio);
        Assert.Equal(3200, assembler.Stats.DuplicateAudioSampleCount);

        windows.AddRange(assembler.AddAudio(Audio(900, 200))); // window 0 is gone: 900..1000 late, 1000..1100 duplicate
        windows.AddRange(assembler.AddFrame(Frame(999)));
        Assert.Equal(1600, assembler.Stats.LateAudioSampleCount);
        Assert.Equal(1, assembler.Stats.LateFrameCount);

        windows.AddRange(assembler.Flush());
        Assert.Equal(2, windows.Count);
        Assert.Equal(16000 - 6400, windows[1].MissingAudioSampleCount); // 1.0..1.4 s arrived
        Assert.True(windows[1].IsPartial);
    }

    [Fact]
    public void CloseReachedEmitsWindowsTheMediaHasReachedWithoutWaitingForLateData()
    {
        var assembler = new WindowAssembler(Options);
        var windows = new List<MediaWindow>();
        windows.AddRange(assembler.AddFrame(Frame(0)));
        windows.AddRange(assembler.AddFrame(Frame(500)));
        windows.AddRange(assembler.AddAudio(Audio(0, 1000)));
        windows.AddRange(assembler.AddAudio(Audio(1000, 500))); // media time 1.5 s: window 1 reached its middle only
        windows.AddRange(assembler.AddFrame(Frame(1000)));
        Assert.Single(windows); // 1.5 s ≥ 1 s + 0.3 s tolerance emits window 0 on its own

        Assert.Empty(assembler.CloseReached()); // window 1 ends at 2 s; media reached 1.5 s
        windows.AddRange(assembler.AddAudio(Audio(1500, 500)));
        Assert.Single(windows); // 2.0 s < 2 s + 0.3 s: waiting out the tolerance
        var closed = assembler.CloseReached();
        var window = Assert.Single(closed);
        Assert.Equal(1, window.Index);
        Assert.False(window.IsPartial);
        Assert.Equal(0, window.MissingAudioSampleCount);
        Assert.Equal([1_000_000L], window.Frames.Select(f => f.TickPtsMicroseconds));

        assembler.AddFrame(Frame(1500)); // after the barrier this window's data is late
        Assert.Equal(1, assembler.Stats.LateFrameCount);
        Assert.Empty(assembler.CloseReached());
        Assert.Empty(assembler.Flush());
    }

    [Fact]
    public void FarFutureDataIsDroppedNotBuffered()
    {
        var assembler = new WindowAssembler(Options with { MaxAheadSeconds = 5 });
        assembler.AddAudio(Audio(0, 100));
        assembler.AddAudio(Audio(3_600_000, 100)); // an hour ahead
        assembler.AddFrame(Frame(7_200_000));
        Assert.Equal(1600, assembler.Stats.EarlyAudioSampleCount);
        Assert.Equal(1, assembler.Stats.EarlyFrameCount);
        Assert.Single(assembler.Flush());
    }

    private static SampledFrame Frame(long ms) => new(new DecodedFrame(1, 1, ms * 1000, new byte[3]), ms * 1000, ms);

    private static AudioBlock Audio(long startMs, int durationMs)
    {
        var first = startMs * 16;
        return new AudioBlock(startMs * 1000, 16000, Enumerable.Range(0, durationMs * 16).Select(i => (float)(first + i)).ToArray());
    }
}
