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

        // A's hour is not filled with empty windows: its windows are its 8 s of media at most, prefilled or dropped; each
        // track's jump is warned about and counted once.
        Assert.InRange(finalA.WindowsPrefilled + finalA.WindowsDropped, 1UL, 8UL);
        var jumps = responsesA.Where(r => r.Warning?.Code == WarningCode.PtsDiscontinuity).Select(r => r.Warning).ToList();
        Assert.Equal(2UL, finalA.PtsDiscontinuities);
        Assert.Equal(["VideoFrame.pts_us: jumped forward 3600000000 µs", "AudioChunk.pts_us: jumped forward 3600000000 µs"], jumps.Select(j => j.Message[..j.Message.IndexOf(',')]).Order(StringComparer.Ordinal).Reverse());
        Assert.All(jumps, j => Assert.True(j.PtsUs >= Hour));
        Assert.InRange(finalA.MediaDurationUs, 7_000_000, 8_000_000); // the timeline, without the hour
    }

    [Fact]
    public async Task A_camera_that_reboots_and_restarts_its_pts_at_zero_goes_on_where_it_was()
    {
        var clip = (await TinyClips.GetAsync())[2];
        await using var server = await EndToEndServer.StartAsync();
        using var channel = GrpcChannel.ForAddress(server.Address);
        using var camera = new CameraCall(new LiveAnalytics.LiveAnalyticsClient(channel), TimeSpan.FromMinutes(2));
        var standing = new StandingQuestion { QuestionId = "count", Text = "how many objects are there?", IntervalMs = 1000, MaxTokens = 4 };
        await camera.SendAsync(new StreamRequest { Open = ClipStream.Open(clip, "reboot", PruningPolicy.Fastav, [standing]) });
        for (var w = 0; w < clip.Windows; w++)
        {
            foreach (var request in ClipStream.Window(clip, w))
            {
                // Windows 4 and 5 come after a reboot: the camera's clock starts again at 0.
                if (w >= 4 && request.Video is { } v) v.PtsUs -= 4_000_000;
                if (w >= 4 && request.Audio is { } a) a.PtsUs -= 4_000_000;
                await camera.SendAsync(request);
            }
        }

        var (responses, status) = await camera.FinishAsync();
        Assert.Equal(StatusCode.OK, status.StatusCode);
        var final = responses[^1].Stats;
        Assert.Empty(final.Rejections); // not a wall of PTS_NOT_MONOTONIC
        Assert.Equal(2UL, final.PtsDiscontinuities);
        Assert.Equal(2, responses.Count(r => r.Warning?.Code == WarningCode.PtsDiscontinuity && r.Warning.Message.Contains("went back 4000000 µs (a clock reset)", StringComparison.Ordinal)));
        Assert.Equal((ulong)clip.Windows, final.WindowsPrefilled);
        Assert.Equal(Enumerable.Range(1, clip.Windows).Select(s => s * 1_000_000L), responses.Where(r => r.Answer is not null).Select(r => r.Answer.Span.EndPtsUs));
    }

    [Fact]
    public async Task Hostile_clock_values_are_placed_or_refused_and_the_stream_still_answers()
    {
        var clip = (await TinyClips.GetAsync())[3];
        await using var server = await EndToEndServer.StartAsync();
        using var channel = GrpcChannel.ForAddress(server.Address);
        using var camera = new CameraCall(new LiveAnalytics.LiveAnalyticsClient(channel), TimeSpan.FromMinutes(2));
        var standing = new StandingQuestion { QuestionId = "count", Text = "how many objects are there?", IntervalMs = 1000, MaxTokens = 4 };
        await camera.SendAsync(new StreamRequest { Open = ClipStream.Open(clip, "wild-clock", PruningPolicy.Fastav, [standing]) });
        long[] wild = [long.MaxValue, 0, 1L << 53, (1L << 53) - 1, 1, 1L << 52, long.MaxValue / 2];
        for (var w = 0; w < clip.Windows; w++)
        {
            var i = 0;
            foreach (var request in ClipStream.Window(clip, w))
            {
                // Every other window's messages carry a hostile pts: each is a jump, a reset or a refusal, never a crash.
                if (w % 2 == 1 && request.Video is { } v) v.PtsUs = wild[(w + i++) % wild.Length];
                if (w % 2 == 1 && request.Audio is { } a) a.PtsUs = wild[(w + i++) % wild.Length];
                await camera.SendAsync(request);
            }
        }

        await camera.SendAsync(new StreamRequest { Question = new Question { QuestionId = "after", Text = "how many objects are there?", MaxTokens = 4 } });
        var (responses, status) = await camera.FinishAsync();
        Assert.Equal(StatusCode.OK, status.StatusCode);
        var final = responses[^1].Stats;
        Assert.True(final.Final);
        Assert.True(final.PtsDiscontinuities > 0);
        Assert.True(final.Rejections.Single(r => r.Code == WarningCode.PtsNotMonotonic).Count > 0); // beyond 2^53, or a small step back
        Assert.True(final.WindowsPrefilled > 0);
        Assert.InRange(final.MediaDurationUs, 0, 3_600_000_000L * 24); // the timeline stays in range whatever the clock did
        Assert.Equal(FinishReason.Stop, responses.Single(r => r.Answer?.QuestionId == "after").Answer.FinishReason);
    }

    [Fact]
    public async Task A_camera_far_faster_than_real_time_drops_its_own_windows_never_another_cameras()
    {
        var clips = await TinyClips.GetAsync();
        await using var server = await LiveServer.StartAsync(inference: o => o.Model = Path.Combine(PythonProbe.RepoRoot, "models", "fastav-tiny"));
        using var channel = GrpcChannel.ForAddress(server.Address);
        var client = new LiveAnalytics.LiveAnalyticsClient(channel);
        var standing = new StandingQuestion { QuestionId = "count", Text = "how many objects are there?", IntervalMs = 1000, MaxTokens = 4 };
        using var b = new CameraCall(client, TimeSpan.FromMinutes(3));
        await b.SendAsync(new StreamRequest { Open = ClipStream.Open(clips[0], "steady", PruningPolicy.Fastav, [standing]) });
        using var a = new CameraCall(client, TimeSpan.FromMinutes(3));
        await a.SendAsync(new StreamRequest { Open = ClipStream.Open(clips[1], "flood", PruningPolicy.Fastav, [standing]) });

        const int floodWindows = 600;
        var flood = Task.Run(async () =>
        {
            // Ten minutes of media as fast as the call carries it: the clip's windows over and over, pts going on.
            for (var w = 0; w < floodWindows; w++)
            {
                foreach (var request in ClipStream.Window(clips[1], w % clips[1].Windows))
                {
                    if (request.Video is { } v) v.PtsUs += (w - (w % clips[1].Windows)) * 1_000_000L;
                    if (request.Audio is { } au) au.PtsUs += (w - (w % clips[1].Windows)) * 1_000_000L;
                    await a.SendAsync(request);
                }
            }

            return await a.FinishAsync();
        });
        var steady = Task.Run(async () =>
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            for (var w = 0; w < clips[0].Windows; w++)
            {
                var due = TimeSpan.FromSeconds(w) - clock.Elapsed;
                if (due > TimeSpan.Zero) await Task.Delay(due);
                foreach (var request in ClipStream.Window(clips[0], w)) await b.SendAsync(request);
            }

            return await b.FinishAsync();
        });
        var (responsesB, statusB) = await steady;
        var (responsesA, statusA) = await flood;

        Assert.Equal((StatusCode.OK, StatusCode.OK), (statusA.StatusCode, statusB.StatusCode));
        var finalA = responsesA[^1].Stats;
        var finalB = responsesB[^1].Stats;
        output.WriteLine($"flood: {finalA.WindowsPrefilled} prefilled, {finalA.WindowsDropped} dropped; steady: {finalB.WindowsPrefilled} prefilled, {finalB.WindowsDropped} dropped");
        Assert.Equal((ulong)floodWindows, finalA.WindowsPrefilled + finalA.WindowsDropped);
        Assert.True(finalA.WindowsDropped > 0, "the flood was never behind");
        Assert.Empty(responsesB.Where(r => r.Warning is not null).Select(r => $"{r.Warning.Code}: {r.Warning.Message}"));
        Assert.Equal(((ulong)clips[0].Windows, 0UL), (finalB.WindowsPrefilled, finalB.WindowsDropped));
        Assert.Equal(clips[0].Windows, responsesB.Count(r => r.Answer is not null));
    }
}
