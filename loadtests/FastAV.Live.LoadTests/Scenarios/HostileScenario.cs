using FastAV.Live.LoadTests.Streaming;
using Contract = FastAV.Live.Contracts.V1;

namespace FastAV.Live.LoadTests.Scenarios;

/// <summary>
/// Hostile clients among healthy ones: each iteration is one stream that sends a window of healthy media, one
/// malformed message of a <see cref="HostileCase"/> (the copies take the cases in turn), and another window; the
/// step "hostile_CASE" is ok when what followed is exactly what the contract promises (the warning and a clean
/// close, or the call ending with the expected status). The healthy streams run as a separate camera scenario whose
/// thresholds say they were unaffected.
/// </summary>
public static class HostileScenario
{
    public static Scenario Create(string name, Fleet fleet, CameraSettings settings, StreamingMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(fleet);
        ArgumentNullException.ThrowIfNull(settings);
        if (fleet.Clip.Video?.Codec != Contract.VideoCodec.H264 || fleet.Clip.Audio?.Codec is not (Contract.AudioCodec.PcmS16Le or Contract.AudioCodec.PcmF32Le))
        {
            throw new ArgumentException("hostile-mix needs a clip with H.264 video and PCM audio (the generated world clip has both)");
        }

        return Scenario.Create(name, async ctx =>
        {
            var hostile = HostileCase.All[(int)((ctx.ScenarioInfo.ThreadNumber + ctx.InvocationNumber) % HostileCase.All.Count)];
            var id = $"{name}-{ctx.ScenarioInfo.ThreadNumber}-{ctx.InvocationNumber}{(ctx.IsWarmUp ? "-warmup" : "")}";
            await using var stream = new CameraStream(fleet.Clients.GetClient(ctx.ScenarioInfo), fleet.Clip, settings with { StandingQuestions = 1 }, metrics, id, null, null, ctx.CancellationToken);
            var opened = await Step.Run("open", ctx, () => stream.OpenAsync()).ConfigureAwait(false);
            if (opened.IsError) return opened;
            var first = await stream.SendWindowAsync(ctx.CancellationToken).ConfigureAwait(false);
            if (first.IsError) return first;
            return await Step.Run($"hostile_{hostile.Name}", ctx, async () =>
            {
                var request = hostile.Build(stream.MediaSentUs, ctx.Random);
                await stream.SendRawAsync(request, ctx.CancellationToken).ConfigureAwait(false);
                if (hostile.Warning is not null) await stream.SendWindowAsync(ctx.CancellationToken).ConfigureAwait(false);
                await stream.CloseAsync(graceful: true).ConfigureAwait(false);
                var size = request.CalculateSize();
                if (hostile.EndsWith is { } status)
                {
                    return stream.Outcome == status
                        ? Response.Ok(status, size)
                        : Response.Fail(stream.Outcome, $"{hostile.Name}: expected the call to end {status}, it ended {stream.Outcome}", size);
                }

                var warned = stream.Warnings.GetValueOrDefault(hostile.Warning!.Value) > 0;
                return stream.Outcome == "OK" && warned
                    ? Response.Ok(sizeBytes: size)
                    : Response.Fail(stream.Outcome == "OK" ? StatusCodes.ClientException : stream.Outcome, $"{hostile.Name}: expected warning {StatusCodes.UpperSnake(hostile.Warning.Value.ToString())} and a clean close; got {(warned ? "the warning" : "no such warning")}, call {stream.Outcome}", size);
            }).ConfigureAwait(false);
        })
        .WithStreamingMetrics(metrics)
        .WithStopTimeout(settings.CloseTimeout + TimeSpan.FromSeconds(10));
    }
}
