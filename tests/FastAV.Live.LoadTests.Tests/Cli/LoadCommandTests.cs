using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using FastAV.Live.LoadTests.Cli;
using FastAV.Live.LoadTests.Tests.Streaming;

namespace FastAV.Live.LoadTests.Tests.Cli;

/// <summary>fastav-load from the command line: against the real `fastav serve` on loopback, and against nothing.</summary>
public sealed class LoadCommandTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"fastav-load-cli-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task SmokeAgainstTheRealServerHoldsItsThresholdsAndAnImpossibleOneFailsTheExitCode()
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await LoadCommand.RunAsync(
            ["smoke", "--out", _dir, "--duration", "8", "--media", TestMedia.Clip, "--threshold", "camera: Streaming answers > 1000000"],
            output, error, liveView: false, CancellationToken.None);
        Assert.True(code == 1, $"exit {code}\n{output}\n{error}");
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(_dir, "report.json")));
        var thresholds = json.RootElement.GetProperty("thresholds").EnumerateArray().ToList();
        var failed = thresholds.Where(t => t.GetProperty("is_failed").GetBoolean()).Select(t => t.GetProperty("check_expression").GetString()).ToList();
        Assert.Equal(["Streaming answers > 1000000"], failed); // every default smoke threshold held
        var camera = json.RootElement.GetProperty("scenario_stats").EnumerateArray().Single(s => s.GetProperty("scenario_name").GetString() == "camera");
        var streaming = camera.GetProperty("streaming");
        Assert.True(streaming.GetProperty("standing_latency").GetProperty("count").GetInt64() > 0);
        Assert.Equal(0, streaming.GetProperty("answers_missing").GetInt64());
        Assert.Equal(3, streaming.GetProperty("streams_opened").GetInt64());
        Assert.True(streaming.GetProperty("kv_bytes_per_stream_max").GetInt64() > 0);
        Assert.True(streaming.GetProperty("server_rss_max_bytes").GetInt64() > 0);
        Assert.Contains("threshold FAILED: camera: Streaming answers > 1000000", output.ToString(), StringComparison.Ordinal);
        foreach (var f in new[] { "report.html", "report.md", "report.csv", "report.txt" }) Assert.True(File.Exists(Path.Combine(_dir, f)), f);
    }

    [Fact]
    public async Task AServerThatIsNotThereFailsClearlyWithinSeconds()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var error = new StringWriter();
        var clock = Stopwatch.StartNew();
        var code = await LoadCommand.RunAsync(["smoke", "--target", $"127.0.0.1:{port}", "--out", _dir, "--media", TestMedia.Clip], new StringWriter(), error, false, CancellationToken.None);
        Assert.Equal(ExitCodes.Setup, code);
        Assert.Contains($"cannot reach 127.0.0.1:{port}: UNAVAILABLE", error.ToString(), StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"took {clock.Elapsed}");
    }

    [Theory]
    [InlineData(new[] { "--help" }, 0, "usage: fastav-load SCENARIO")]
    [InlineData(new[] { "nonsense" }, 2, "unknown scenario 'nonsense'")]
    [InlineData(new[] { "smoke", "--streams", "0" }, 2, "--streams 0 must be in [1, 100000]")]
    [InlineData(new[] { "smoke", "--duration", "soon" }, 2, "--duration 'soon' is not a duration")]
    [InlineData(new[] { "smoke", "--policy", "magic" }, 2, "--policy 'magic' is not a pruning policy")]
    [InlineData(new[] { "smoke", "--threshold", "OkLatency p95 <" }, 2, "threshold 'OkLatency p95 <'")]
    [InlineData(new[] { "smoke", "--target", "nohost" }, 2, "--target 'nohost' must be HOST:PORT")]
    [InlineData(new[] { "smoke", "--bogus", "1" }, 2, "unknown option --bogus")]
    public async Task ArgumentsAreCheckedBeforeAnythingRuns(string[] args, int expected, string message)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        Assert.Equal(expected, await LoadCommand.RunAsync(args, output, error, false, CancellationToken.None));
        Assert.Contains(message, output.ToString() + error, StringComparison.Ordinal);
    }
}
