using FastAV.Live.Contracts.V1;

namespace FastAV.Live.Client.Tests;

/// <summary>fastav-cli run as a process (`dotnet fastav-cli.dll ... --plain`) against the real server: output lines and exit codes.</summary>
public sealed class CliProcessTests
{
    [Fact]
    public async Task Stream_plain_prints_one_line_per_response_and_exits_zero_with_the_sent_counts()
    {
        await using var server = await LoopbackServer.StartAsync();
        var (exit, stdout, stderr) = await CliProcess.RunAsync(
            "stream", TestClips.Clip, "--server", server.Url, "--plain", "--stream-id", "cli-cam", "--standing", "Is anyone there?", "--every", "2s");

        Assert.True(exit == 0, stderr);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("accepted ", lines[0], StringComparison.Ordinal);
        Assert.Equal("\"cli-cam\"", CliProcess.Field(lines[0], "stream_id"));
        var final = lines[^1];
        Assert.StartsWith("stats ", final, StringComparison.Ordinal);
        Assert.Equal("true", CliProcess.Field(final, "final"));
        Assert.Equal(TestClips.VideoFrames.ToString(System.Globalization.CultureInfo.InvariantCulture), CliProcess.Field(final, "video_accepted"));
        Assert.Equal("0", CliProcess.Field(final, "video_rejected"));
        Assert.Equal("0", CliProcess.Field(final, "audio_rejected"));
        Assert.InRange(int.Parse(CliProcess.Field(final, "audio_accepted"), System.Globalization.CultureInfo.InvariantCulture), 31, 40);
        Assert.Equal("false", CliProcess.Field(lines[0], "model_loaded"));
        Assert.Contains(lines, l => l.StartsWith("warning code=NO_MODEL_LOADED ", StringComparison.Ordinal));

        Assert.All(lines, l => Assert.Matches("^(accepted|answer|stats|warning) ", l));
    }

    [Fact]
    public async Task Stream_from_standard_input_rebases_the_transport_stream_clock_to_zero()
    {
        await using var server = await LoopbackServer.StartAsync();
        var (exit, stdout, stderr) = await CliProcess.RunWithInputAsync(TestClips.TransportStream, "stream", "-", "--server", server.Url, "--plain");

        Assert.True(exit == 0, stderr);
        var final = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1];
        Assert.Equal(TestClips.VideoFrames.ToString(System.Globalization.CultureInfo.InvariantCulture), CliProcess.Field(final, "video_accepted"));
        Assert.Equal("0", CliProcess.Field(final, "video_rejected"));
        // TS timestamps start near 1.4 s; the stream's media time starts at 0, so it spans about the clip's 2 s.
        Assert.InRange(double.Parse(CliProcess.Field(final, "media_ms"), System.Globalization.CultureInfo.InvariantCulture), 1900, 2100);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Stream_with_a_question_prints_the_answer_or_exits_with_the_status_code_and_its_name(bool model)
    {
        await using var server = await LoopbackServer.StartAsync(model);
        var (exit, stdout, stderr) = await CliProcess.RunAsync("stream", TestClips.Clip, "--server", server.Url, "--plain", "--question", "What is on screen?");
        Assert.Contains($"model_loaded={(model ? "true" : "false")}", stdout, StringComparison.Ordinal);
        if (model)
        {
            Assert.True(exit == 0, stderr);
            var answer = stdout.Split('\n').Single(l => l.StartsWith("answer question_id=\"ask1\"", StringComparison.Ordinal));
            // The model's mean token probability: a real probability, never a placeholder.
            Assert.InRange(double.Parse(CliProcess.Field(answer, "confidence"), System.Globalization.CultureInfo.InvariantCulture), 1e-6, 1.0);
            Assert.Equal("false", CliProcess.Field(answer, "uncertain"));
            return;
        }

        Assert.Equal(9, exit);
        Assert.Equal("fastav-cli: FAILED_PRECONDITION: no model loaded: the server runs ingest only, questions cannot be answered", stderr.Trim());
        Assert.Contains("stats final=true", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ls_get_and_ask_show_a_live_stream_and_report_statuses()
    {
        await using var server = await LoopbackServer.StartAsync();
        using var client = server.CreateClient();
        var open = new StreamOpen { StreamId = "held", Video = LiveAnalyticsClientTests.H264Track() };
        open.StandingQuestions.Add(new StandingQuestion { QuestionId = "door", Text = "Is the door open?", IntervalMs = 3000 });
        await using var session = await client.OpenStreamAsync(open, TimeSpan.FromSeconds(60));

        var ls = await CliProcess.RunAsync("ls", "--server", server.Url, "--plain");
        Assert.True(ls.Exit == 0, ls.Stderr);
        var line = Assert.Single(ls.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal("\"held\"", CliProcess.Field(line, "stream_id"));
        Assert.Equal("LIVE", CliProcess.Field(line, "state"));
        Assert.Equal("H264:160x120", CliProcess.Field(line, "video"));
        Assert.Equal("1", CliProcess.Field(line, "standing"));

        var get = await CliProcess.RunAsync("get", "--stream-id", "held", "--server", server.Url, "--plain");
        Assert.True(get.Exit == 0, get.Stderr);
        var getLines = get.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("\"held\"", CliProcess.Field(getLines[0], "stream_id"));
        Assert.Equal("standing question_id=\"door\" interval_ms=3000 text=\"Is the door open?\"", getLines[1]);

        var ask = await CliProcess.RunAsync("ask", "--stream-id", "held", "Is the door open?", "--server", server.Url, "--plain");
        Assert.Equal(9, ask.Exit);
        Assert.StartsWith("fastav-cli: FAILED_PRECONDITION: no model loaded", ask.Stderr, StringComparison.Ordinal);

        var missing = await CliProcess.RunAsync("get", "--stream-id", "nobody", "--server", server.Url);
        Assert.Equal(5, missing.Exit);
        Assert.Equal("fastav-cli: NOT_FOUND: GetStreamRequest.stream_id: no live stream 'nobody'", missing.Stderr.Trim());
    }

    [Fact]
    public async Task Hostile_command_lines_get_a_clear_message_and_a_nonzero_exit()
    {
        var missing = await CliProcess.RunAsync("stream", TestClips.TempPath("no-such-clip.mp4"), "--plain");
        Assert.Equal(66, missing.Exit);
        Assert.Contains("cannot open", missing.Stderr, StringComparison.Ordinal);
        Assert.Contains("No such file or directory", missing.Stderr, StringComparison.Ordinal);
        Assert.Empty(missing.Stdout);

        var url = await CliProcess.RunAsync("stream", $"rtsp://127.0.0.1:{LiveAnalyticsClientTests.ClosedPort()}/cam", "--plain");
        Assert.Equal(66, url.Exit);
        Assert.Contains("Connection refused", url.Stderr, StringComparison.Ordinal);

        var flag = await CliProcess.RunAsync("stream", TestClips.Clip, "--frobnicate");
        Assert.Equal(64, flag.Exit);
        Assert.StartsWith("fastav-cli: unknown flag '--frobnicate' for stream", flag.Stderr, StringComparison.Ordinal);
        Assert.Contains("usage: fastav-cli", flag.Stderr, StringComparison.Ordinal);

        var down = await CliProcess.RunAsync("ls", "--server", $"http://127.0.0.1:{LiveAnalyticsClientTests.ClosedPort()}", "--plain");
        Assert.Equal(14, down.Exit);
        Assert.StartsWith("fastav-cli: UNAVAILABLE:", down.Stderr, StringComparison.Ordinal);

        var help = await CliProcess.RunAsync("--help");
        Assert.Equal(0, help.Exit);
        Assert.StartsWith("usage: fastav-cli", help.Stdout, StringComparison.Ordinal);
    }
}
