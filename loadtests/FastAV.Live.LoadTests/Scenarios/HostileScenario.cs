using FastAV.Live.LoadTests.Streaming;
using Contract = FastAV.Live.Contracts.V1;

namespace FastAV.Live.LoadTests.Scenarios;

/// <summary>
/// Hostile clients among healthy ones: each iteration is one stream that sends healthy media, then one case of
/// <see cref="HostileCase"/> (the copies take the cases in turn), then more media; the step "hostile_CASE" is ok when
/// what followed is exactly what the contract promises (the warning and a clean close, or the call ending with the
/// expected status; after a clock jump also a standing answer on the timeline past the jump). The healthy streams run
/// as a separate camera scenario whose thresholds say they were unaffected.
/// </summary>
public static class HostileScenario
{
    /// <summary>Windows sent before a clock jumps: a restart at 0 must land beyond the server's gap bound (default 3 windows) behind.</summary>
    public const int WindowsBeforeClockJump = 5;

    /// <summary>Windows sent after a clock jump: enough for a standing answer (one every 2 s of media) on the new timeline.</summary>
    public const int WindowsAfterClockJump = 3;

    public static Scenario Create(string name, Fleet fleet, CameraSettings settings, StreamingMetrics metrics, IReadOnlyList<HostileCase>? cases = null)
    {
        ArgumentNullException.ThrowIfNull(fleet);
        ArgumentNullException.ThrowIfNull(settings);
        cases ??= HostileCase.All;
        if (cases.Count == 0) throw new ArgumentException("at least one hostile case", nameof(cases));
        if (fleet.Clip.Video?.Codec != Contract.VideoCodec.H264 || fleet.Clip.Audio?.Codec is not (Contract.AudioCodec.PcmS16Le or Contract.AudioCodec.PcmF32Le))
        {
            throw new ArgumentException("hostile-mix needs a clip with H.264 video and PCM audio (the generated world clip has both)");
        }

        return Scenario.Create(name, async ctx =>
        {
            var hostile = cases[(int)((ctx.ScenarioInfo.ThreadNumber + ctx.InvocationNumber) % cases.Count)];
            var id = $"{name}-{ctx.ScenarioInfo.ThreadNumber}-{ctx.InvocationNumber}{(ctx.IsWarmUp ? "-warmup" : "")}";
            await using var stream = new CameraStream(fleet.Clients.GetClient(ctx.ScenarioInfo), fleet.Clip, settings with { StandingQuestions = 1 }, metrics, id, null, null, ctx.CancellationToken);
            var opened = await Step.Run("open", ctx, () => stream.OpenAsync()).ConfigureAwait(false);
            if (opened.IsError) return opened;
            for (var w = 0; w < (hostile.PtsShift is null ? 1 : WindowsBeforeClockJump); w++)
            {
                var sent = await stream.SendWindowAsync(ctx.CancellationToken).ConfigureAwait(false);
                if (sent.IsError) return sent;
            }

            return await Step.Run($"hostile_{hostile.Name}", ctx, () => RunCaseAsync(stream, hostile, ctx)).ConfigureAwait(false);
        })
        .WithStreamingMetrics(metrics)
        .WithStopTimeout(settings.CloseTimeout + TimeSpan.FromSeconds(10));
    }

    private static async Task<Response> RunCaseAsync(CameraStream stream, HostileCase hostile, ScenarioContext ctx)
    {
        var size = 0;
        var jumpedAtUs = -1L;
        if (hostile.PtsShift is { } shift)
        {
            jumpedAtUs = stream.NextPtsUs;
            stream.ShiftPts(shift(jumpedAtUs));
            for (var w = 0; w < WindowsAfterClockJump; w++) await stream.SendWindowAsync(ctx.CancellationToken).ConfigureAwait(false);
        }
        else
        {
            var request = hostile.Build!(stream.MediaSentUs, ctx.Random);
            size = request.CalculateSize();
            await stream.SendRawAsync(request, ctx.CancellationToken).ConfigureAwait(false);
            if (hostile.Warning is not null) await stream.SendWindowAsync(ctx.CancellationToken).ConfigureAwait(false);
        }

        await stream.CloseAsync(graceful: true).ConfigureAwait(false);
        if (hostile.EndsWith is { } status)
        {
            return stream.Outcome == status
                ? Response.Ok(status, size)
                : Response.Fail(stream.Outcome, $"{hostile.Name}: expected the call to end {status}, it ended {stream.Outcome}", size);
        }

        var warned = stream.Warnings.GetValueOrDefault(hostile.Warning!.Value) > 0;
        // After a clock jump the stream must go on: a standing answer whose window lies past the jump on the stream's timeline.
        var answeredAfter = jumpedAtUs < 0 || stream.LastAnswerEndUs > jumpedAtUs;
        if (stream.Outcome == "OK" && warned && answeredAfter) return Response.Ok(sizeBytes: size);
        var got = $"{(warned ? "the warning" : "no such warning")}, call {stream.Outcome}{(jumpedAtUs < 0 ? "" : answeredAfter ? ", answers after the jump" : $", no answer after the jump at {jumpedAtUs / 1e6:0.###} s (last answer's span ends at {stream.LastAnswerEndUs / 1e6:0.###} s)")}";
        return Response.Fail(
            stream.Outcome == "OK" ? StatusCodes.ClientException : stream.Outcome,
            $"{hostile.Name}: expected warning {StatusCodes.UpperSnake(hostile.Warning.Value.ToString())}, a clean close{(jumpedAtUs < 0 ? "" : " and answers after the jump")}; got {got}",
            size);
    }
}
