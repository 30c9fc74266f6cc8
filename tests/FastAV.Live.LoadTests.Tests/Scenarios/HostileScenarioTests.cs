using System.Text.Json;
using FastAV.Live.LoadTests.Cli;
using FastAV.Live.LoadTests.Scenarios;
using FastAV.Live.LoadTests.Tests.Streaming;

namespace FastAV.Live.LoadTests.Tests.Scenarios;

/// <summary>hostile-mix against the real `fastav serve` on loopback: the clock-jump cases and an oversized message beside healthy streams on one HTTP/2 connection.</summary>
public sealed class HostileScenarioTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"fastav-load-hostile-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task ClockJumpsAndAnOversizedMessageOnTheHealthyStreamsConnectionLeaveThemUnaffected()
    {
        // One connection (--channels 1, --shared-connections): a connection-level failure would end the healthy streams too.
        string[] cases = ["clock_jump_forward", "clock_restart", "oversized_message"];
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await LoadCommand.RunAsync(
            ["hostile-mix", "--out", _dir, "--duration", "12", "--streams", "2", "--channels", "1", "--shared-connections", "--hostile-cases", string.Join(',', cases), "--media", TestMedia.Clip],
            output, error, liveView: false, CancellationToken.None);
        Assert.True(code == 0, $"exit {code}\n{output}\n{error}");
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(_dir, "report.json")));
        var scenarios = json.RootElement.GetProperty("scenario_stats").EnumerateArray().ToDictionary(s => s.GetProperty("scenario_name").GetString()!);
        var steps = scenarios["hostile"].GetProperty("step_stats").EnumerateArray().ToDictionary(s => s.GetProperty("step_name").GetString()!);
        foreach (var c in cases)
        {
            var step = steps[$"hostile_{c}"];
            Assert.True(step.GetProperty("ok").GetProperty("request").GetProperty("count").GetInt64() > 0, $"{c} ran and held");
            Assert.Equal(0, step.GetProperty("fail").GetProperty("request").GetProperty("count").GetInt64());
        }

        var healthy = scenarios["healthy"].GetProperty("streaming");
        Assert.True(healthy.GetProperty("standing_latency").GetProperty("count").GetInt64() > 0);
        foreach (var zero in new[] { "answers_missing", "windows_dropped", "frames_dropped", "streams_failed" }) Assert.Equal(0, healthy.GetProperty(zero).GetInt64());
        Assert.Empty(healthy.GetProperty("warnings").EnumerateObject());
        Assert.Equal(0, scenarios["healthy"].GetProperty("all_fail_count").GetInt64());
    }

    [Fact]
    public void CasesAreChosenByNameAndAnUnknownOneIsNamed()
    {
        Assert.Equal(HostileCase.All, HostileCase.Select([]));
        Assert.Equal(["clock_jump_forward", "clock_restart"], HostileCase.Select(["clock_restart", "clock_jump_forward"]).Select(c => c.Name));
        var e = Assert.Throws<FormatException>(() => HostileCase.Select(["clock_sideways"]));
        Assert.Contains("unknown case clock_sideways", e.Message, StringComparison.Ordinal);
        // A jump forward shifts every later pts by an hour; a restart brings the next pts to 0.
        var jump = HostileCase.All.Single(c => c.Name == "clock_jump_forward");
        var restart = HostileCase.All.Single(c => c.Name == "clock_restart");
        Assert.Equal(3_600_000_000L, jump.PtsShift!(5_000_000));
        Assert.Equal(0, 5_000_000 + restart.PtsShift!(5_000_000));
        Assert.True(HostileCase.All.Single(c => c.Name == "oversized_message").Build!(0, new Random(1)).CalculateSize() > (16 << 20) + (64 << 10));
    }
}
