using FastAV.Live.Cli;
using Grpc.Core;

namespace FastAV.Live.Client.Tests;

/// <summary>The command-line grammar, in process: every malformed line is a CliUsageException naming the flag.</summary>
public sealed class CliArgumentsTests
{
    private static readonly Func<string, string?> NoEnvironment = _ => null;

    [Fact]
    public void Standing_questions_take_the_every_that_follows_them()
    {
        var a = CliArguments.Parse(
            ["stream", "cam.mp4", "--standing", "anyone?", "--every", "2s", "--standing", "sound?", "--standing", "fire?", "--every", "1500ms", "--realtime"],
            NoEnvironment);
        Assert.Equal("cam.mp4", a.Positional);
        Assert.Equal(["q1", "q2", "q3"], a.Standing.Select(q => q.QuestionId));
        Assert.Equal([2000U, 5000U, 1500U], a.Standing.Select(q => q.IntervalMs));
        Assert.Equal("sound?", a.Standing[1].Text);
        Assert.True(a.RealTime);
        Assert.Equal(CliArguments.DefaultServer, a.Server);
    }

    [Fact]
    public void The_environment_gives_server_and_token_and_flags_override_it()
    {
        var env = new Dictionary<string, string> { ["FASTAV_SERVER"] = "http://10.0.0.7:50051", ["FASTAV_TOKEN"] = "t0k" };
        var fromEnv = CliArguments.Parse(["ls"], k => env.GetValueOrDefault(k));
        Assert.Equal("http://10.0.0.7:50051", fromEnv.Server);
        Assert.Equal("t0k", fromEnv.Token);
        var flags = CliArguments.Parse(["ls", "--server", "https://live.example:443", "--page-size", "7", "--prefix", "cam"], k => env.GetValueOrDefault(k));
        Assert.Equal("https://live.example:443", flags.Server);
        Assert.Equal(7U, flags.PageSize);
        Assert.Equal("cam", flags.Prefix);
    }

    [Theory]
    [InlineData("--every: applies to the --standing question before it", "stream", "a.mp4", "--every", "5s")]
    [InlineData("--every: '-1s' is not a positive duration", "stream", "a.mp4", "--standing", "q", "--every", "-1s")]
    [InlineData("--every: 'soon' is not a positive duration", "stream", "a.mp4", "--standing", "q", "--every", "soon")]
    [InlineData("--timeout: '1e9h' is not a positive duration", "ls", "--timeout", "1e9h")]
    [InlineData("--standing: a value is required", "stream", "a.mp4", "--standing")]
    [InlineData("stream: a SOURCE (file, URL or device) is required", "stream", "--plain")]
    [InlineData("unexpected argument 'b.mp4'", "stream", "a.mp4", "b.mp4")]
    [InlineData("ask: --stream-id is required", "ask", "what?")]
    [InlineData("ask: the question text is required", "ask", "--stream-id", "x")]
    [InlineData("get: --stream-id is required", "get")]
    [InlineData("ls: unexpected argument 'extra'", "ls", "extra")]
    [InlineData("unknown flag '--standing' for ask", "ask", "--stream-id", "x", "q", "--standing", "y")]
    [InlineData("--max-tokens: 'many' is not a whole number", "ask", "--stream-id", "x", "q", "--max-tokens", "many")]
    [InlineData("--page-size: '-3' is not a whole number", "ls", "--page-size", "-3")]
    [InlineData("--server: 'ftp://x' is not an http:// or https:// URL", "ls", "--server", "ftp://x")]
    [InlineData("unknown verb 'rm'", "rm")]
    [InlineData("no verb given")]
    public void Malformed_command_lines_name_the_problem(string expected, params string[] args)
    {
        var ex = Assert.Throws<CliUsageException>(() => CliArguments.Parse(args, NoEnvironment));
        Assert.StartsWith(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Status_names_are_the_protocols_spelling()
    {
        Assert.Equal("OK", StatusNames.Of(StatusCode.OK));
        Assert.Equal("FAILED_PRECONDITION", StatusNames.Of(StatusCode.FailedPrecondition));
        Assert.Equal("DEADLINE_EXCEEDED", StatusNames.Of(StatusCode.DeadlineExceeded));
        Assert.Equal("UNAVAILABLE", StatusNames.Of(StatusCode.Unavailable));
        Assert.Equal("CODE_99", StatusNames.Of((StatusCode)99));
    }

    [Fact]
    public async Task The_runner_maps_a_usage_error_to_64_before_any_connection()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await CliRunner.RunAsync(["stream"], output, error, NoEnvironment, interactive: false, CancellationToken.None);
        Assert.Equal(ExitCodes.Usage, exit);
        Assert.StartsWith("fastav-cli: stream: a SOURCE", error.ToString(), StringComparison.Ordinal);
        Assert.Empty(output.ToString());
    }

    [Fact]
    public async Task A_token_with_spaces_is_refused_as_usage()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await CliRunner.RunAsync(["ls", "--token", "two words"], output, error, NoEnvironment, interactive: false, CancellationToken.None);
        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Contains("BearerToken", error.ToString(), StringComparison.Ordinal);
    }
}
