using FastAV.Live.Contracts.V1;
using FastAV.Live.Server.Inference;
using Grpc.Core;
using Grpc.Net.Client;
using Xunit.Abstractions;

namespace FastAV.Live.Server.Tests.EndToEnd;

/// <summary>
/// Issue 19, item 1: one camera's clock jump must not stall the others. Camera B streams 720p25 H.264 + PCM in real
/// time with a standing question every second; camera A sends as fast as it can and its pts jump an hour ahead after
/// 4 s of media (an NTP step). The server runs with its default backlog limits.
/// </summary>
public sealed class ClockJumpTests(ITestOutputHelper output)
{
    private const long Hour = 3_600_000_000;

    [Fact]
    public async Task A_cameras_hour_jump_leaves_a_real_time_camera_with_every_answer_and_no_drop()
    {
        var (infoB, packetsB) = CameraClips.Read(CameraClips.Make(1280, 720, 25, 6));
        var (infoA, packetsA) = CameraClips.Read(CameraClips.Make(320, 240, 25, 8, toneHz: 880));
        await using var server = await LiveServer.StartAsync(inference: o => o.Model = Path.Combine(PythonProbe.RepoRoot, "models", "fastav-tiny"));
        using var channel = GrpcChannel.ForAddress(server.Address);
        var client = new LiveAnalytics.LiveAnalyticsClient(channel);

        using var b = new CameraCall(client, TimeSpan.FromMinutes(3));
        await b.SendAsync(new StreamRequest { Open = CameraCall.Open("cam-b", infoB, new StandingQuestion { QuestionId = "count", Text = "how many objects are there?", IntervalMs = 1000, MaxTokens = 4 }) });
        using var a = new CameraCall(client, TimeSpan.FromMinutes(3));
        await a.SendAsync(new StreamRequest { Open = CameraCall.Open("cam-a", infoA) });

        var cameraB = Task.Run(async () =>
        {
            await b.SendPacketsAsync(packetsB, realTime: true);
            return await b.FinishAsync();
        });
        var cameraA = Task.Run(async () =>
        {
            await a.SendPacketsAsync(packetsA, realTime: false, pts => pts >= 4_000_000 ? pts + Hour : pts);
            return await a.FinishAsync();
        });
        var (responsesB, statusB) = await cameraB;
        var (responsesA, statusA) = await cameraA;

        Assert.Equal(StatusCode.OK, statusB.StatusCode);
        Assert.Equal(StatusCode.OK, statusA.StatusCode);
        var finalB = responsesB[^1].Stats;
        var finalA = responsesA[^1].Stats;
        var answersB = responsesB.Where(r => r.Answer is not null).Select(r => r.Answer).ToList();
        output.WriteLine($"B: {answersB.Count} answers, windows {finalB.WindowsPrefilled} prefilled / {finalB.WindowsDropped} dropped; "
            + $"A: windows {finalA.WindowsPrefilled} prefilled / {finalA.WindowsDropped} dropped");
        foreach (var w in responsesA.Concat(responsesB).Where(r => r.Warning is not null)) output.WriteLine($"warning {w.Warning.Code}: {w.Warning.Message}");

        // B sent in real time: every window prefilled, nothing dropped, one answer per second of media.
        Assert.Empty(responsesB.Where(r => r.Warning is not null).Select(r => $"{r.Warning.Code}: {r.Warning.Message}"));
        Assert.Equal(0UL, finalB.WindowsDropped);
        Assert.Equal(6UL, finalB.WindowsPrefilled);
        Assert.Equal(Enumerable.Range(1, 6).Select(s => s * 1_000_000L), answersB.Select(x => x.Span.EndPtsUs));

        // A's hour is not filled with empty windows: its windows are its 8 s of media at most, prefilled or dropped.
        Assert.InRange(finalA.WindowsPrefilled + finalA.WindowsDropped, 1UL, 8UL);
    }
}
