using FastAV.Live.Cli;
using FastAV.Live.Contracts.V1;

namespace FastAV.Live.Client.Tests;

/// <summary>--plain lines: exactly one line per response whatever the text holds, enum names as in the proto.</summary>
public sealed class ResponseLinesTests
{
    [Fact]
    public void Hostile_answer_text_stays_on_one_json_quoted_field()
    {
        var answer = new Answer
        {
            QuestionId = "q1",
            Text = "line one\nline \"two\" \u0007 x=1 é",
            Span = new MediaSpan { StartPtsUs = 1_000_000, EndPtsUs = 6_000_000 },
            LatencyUs = 123_456,
            TokenCount = 7,
            Standing = true,
            Pruning = new PruningReport { FlopsRatio = 0.4321 },
            Confidence = 0.87654f,
            Uncertain = true,
        };
        var line = ResponseLines.Of(new StreamResponse { Answer = answer });
        Assert.DoesNotContain('\n', line);
        Assert.Equal(
            "answer question_id=\"q1\" standing=true span_us=1000000-6000000 latency_ms=123.456 tokens=7 flops_ratio=0.432 confidence=0.877 uncertain=true "
            + "text=\"line one\\nline \\\"two\\\" \\u0007 x=1 é\"",
            line);
        Assert.Equal(answer.Text, System.Text.Json.JsonSerializer.Deserialize<string>(CliProcess.Field(line, "text")));
    }

    [Fact]
    public void Warnings_and_stats_use_the_protos_names_and_every_counter()
    {
        var warning = ResponseLines.Of(new StreamResponse { Warning = new Warning { Code = WarningCode.PtsNotMonotonic, Message = "m", PtsUs = 5, RequestIndex = 2 } });
        Assert.Equal("warning code=PTS_NOT_MONOTONIC pts_us=5 request=2 message=\"m\"", warning);
        var stats = ResponseLines.Of(new StreamResponse
        {
            Stats = new StreamStats { Final = true, VideoFramesAccepted = 20, AudioChunksAccepted = 33, FramesDropped = 4, KvBytes = 1 << 20, MediaDurationUs = 2_048_000 },
        });
        Assert.Equal("true", CliProcess.Field(stats, "final"));
        Assert.Equal("4", CliProcess.Field(stats, "dropped"));
        Assert.Equal("1048576", CliProcess.Field(stats, "kv_bytes"));
        Assert.Equal("2048", CliProcess.Field(stats, "media_ms"));
        Assert.Equal("unknown", ResponseLines.Of(new StreamResponse()));
    }
}
