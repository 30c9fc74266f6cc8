using FastAV.Live.LoadTests.Stats;
using FastAV.Live.LoadTests.Streaming;

namespace FastAV.Live.LoadTests.Tests.Core;

public sealed class ThresholdParserTests
{
    private static ScenarioStats Stats(long ok, long fail, double p95, StreamingStats? streaming = null)
    {
        var acc = new MeasurementAccumulator();
        for (var i = 0; i < ok; i++) acc.Record(p95, 100, "OK", "");
        var failAcc = new MeasurementAccumulator();
        for (var i = 0; i < fail; i++) failAcc.Record(1, 0, "UNAVAILABLE", "");
        var okStats = acc.ToStats(10, ok + fail, false);
        var failStats = failAcc.ToStats(10, ok + fail, true);
        return new ScenarioStats
        {
            ScenarioName = "camera",
            Ok = okStats,
            Fail = failStats,
            StepStats = [new StepStats("standing_answer", okStats, failStats, 1)],
            LoadSimulations = [],
            Duration = TimeSpan.FromSeconds(10),
            Streaming = streaming,
        };
    }

    [Theory]
    [InlineData("OkLatency p95 < 1000", true)]
    [InlineData("OkLatency P95 >= 1000", false)]
    [InlineData("camera/standing_answer: OkLatency p99 < 600", true)]
    [InlineData("camera: FailRequest Count == 2", true)]
    [InlineData("FailRequest Percent < 1", false)]
    [InlineData("OkRequest RPS > 0.7", true)]
    [InlineData("StatusCode UNAVAILABLE Count == 2", true)]
    [InlineData("OkDataTransfer All == 800", true)]
    [InlineData("Streaming windows_dropped == 0", true)]
    [InlineData("Streaming missing != 0", true)]
    [InlineData("Warning FRAMES_DROPPED Count == 3", true)]
    [InlineData("Warning WARNING_CODE_FRAMES_DROPPED Count < 3", false)]
    public void ParsesAndChecks(string text, bool passes)
    {
        var streaming = new StreamingStats { AnswersMissing = 4, Warnings = new Dictionary<string, long> { ["FRAMES_DROPPED"] = 3 } };
        var t = ThresholdParser.Parse(text);
        Assert.Equal(passes, t.Check(Stats(8, 2, 500, streaming)).Passed);
    }

    [Fact]
    public void TargetsAndOptionsAreRead()
    {
        var t = ThresholdParser.Parse("camera/standing_answer: OkLatency p95 < 1000 abort=3 after=10");
        Assert.Equal("camera", t.ScenarioName);
        Assert.Equal("standing_answer", t.StepName);
        Assert.Equal(3, t.AbortWhenErrorCount);
        Assert.Equal(TimeSpan.FromSeconds(10), t.StartCheckAfter);
        Assert.Equal("OkLatency p95 < 1000 abort=3 after=10", t.CheckExpression);
    }

    [Theory]
    [InlineData("OkLatency p95 1000")]
    [InlineData("OkLatency p96 < 1000")]
    [InlineData("Latency p95 < 1000")]
    [InlineData("OkLatency p95 ~ 1000")]
    [InlineData("OkLatency p95 < fast")]
    [InlineData("Streaming nothing < 1")]
    [InlineData("OkLatency p95 < 1 abort=0")]
    public void BadTextIsAFormatExceptionQuotingIt(string text)
    {
        var e = Assert.Throws<FormatException>(() => ThresholdParser.Parse(text));
        Assert.StartsWith($"threshold '{text}'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AMissingStepOrStreamsFailTheCheckWithAMessage()
    {
        var (passed, error) = ThresholdParser.Parse("camera/nope: OkRequest Count > 0").Check(Stats(1, 0, 1));
        Assert.False(passed);
        Assert.Contains("no step 'nope'", error, StringComparison.Ordinal);
        (passed, error) = ThresholdParser.Parse("Streaming missing == 0").Check(Stats(1, 0, 1));
        Assert.False(passed);
        Assert.Contains("runs no streams", error, StringComparison.Ordinal);
    }
}
