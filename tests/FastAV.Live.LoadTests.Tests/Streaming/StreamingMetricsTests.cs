using FastAV.Live.LoadTests.Streaming;
using Contract = FastAV.Live.Contracts.V1;

namespace FastAV.Live.LoadTests.Tests.Streaming;

public sealed class StreamingMetricsTests
{
    private static Contract.Answer Answer(double streamFlops, double unpruned, long spanStartUs, long spanEndUs) => new()
    {
        QuestionId = "q0",
        Standing = true,
        Span = new Contract.MediaSpan { StartPtsUs = spanStartUs, EndPtsUs = spanEndUs },
        StreamSpan = new Contract.MediaSpan { StartPtsUs = spanStartUs, EndPtsUs = spanEndUs },
        Pruning = new Contract.PruningReport { StreamFlops = streamFlops, StreamFlopsUnpruned = unpruned, KvBytes = 1000 },
    };

    [Fact]
    public void FlopsPerMediaSecondDividesTheStreamsLastFlopsByTheMediaTheyCover()
    {
        var metrics = new StreamingMetrics(1000);
        var a = metrics.Register("a", "FASTAV");
        var b = metrics.Register("b", "FASTAV");
        a.StandingAnswer(Answer(4e9, 5e9, 0, 2_000_000), 10);
        a.StandingAnswer(Answer(9e9, 12e9, 0, 4_000_000), 10); // the last answer counts: 9 GFLOP over 4 s
        b.StandingAnswer(Answer(3e9, 4e9, 1_000_000, 3_000_000), 10); // 3 GFLOP over 2 s of its own timeline
        var stats = metrics.Snapshot([]);
        Assert.Equal(12e9 / 6, stats.FlopsPerMediaSecond, 6);
        Assert.Equal(12e9 / 16e9, stats.FlopsRatio, 6);
        Assert.True(double.IsNaN(new StreamingMetrics(1000).Snapshot([]).FlopsPerMediaSecond));
    }

    [Fact]
    public void MediaSpeedIsCheckedWithTheOtherSettings()
    {
        new CameraSettings { MediaSpeed = 0.5 }.Validate();
        Assert.Throws<ArgumentOutOfRangeException>(() => new CameraSettings { MediaSpeed = 0 }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new CameraSettings { MediaSpeed = double.NaN }.Validate());
    }
}
