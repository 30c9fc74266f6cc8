using FastAV.Live.LoadTests.Streaming;

namespace FastAV.Live.LoadTests.Scenarios;

/// <summary>
/// Cameras as closed-model copies: a copy opens its stream on its first iteration (step "open": StreamOpen →
/// StreamAccepted) and then sends one window of media per iteration in real time (the iteration's response: the
/// bytes of the window); standing answers arrive on their own and are recorded as step "standing_answer" with
/// their latency from the window's close; when the simulation removes the copy its stream is half-closed and the
/// final stats awaited (step "close"). A stream that ended under a copy is reopened under a new id.
/// </summary>
public static class CameraScenario
{
    public static Scenario Create(string name, Fleet fleet, CameraSettings settings, StreamingMetrics metrics, bool askable = true)
    {
        ArgumentNullException.ThrowIfNull(fleet);
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        return Scenario.Create(name, async ctx =>
        {
            if (!ctx.Data.TryGetValue("camera", out var held) || !((CameraCopy)held).Stream.IsLive)
            {
                if (held is CameraCopy dead)
                {
                    ctx.Data.Remove("camera");
                    await dead.DisposeAsync().ConfigureAwait(false);
                }

                var id = $"{name}-{ctx.ScenarioInfo.ThreadNumber}-{ctx.InvocationNumber}{(ctx.IsWarmUp ? "-warmup" : "")}";
                var stream = new CameraStream(
                    fleet.Clients.GetClient(ctx.ScenarioInfo), fleet.Clip, settings, metrics, id,
                    r => { if (!ctx.IsWarmUp) Step.Record("standing_answer", ctx, r, r.LatencyMs ?? 0); },
                    askable ? fleet.Directory : null, ctx.CancellationToken);
                var open = await Step.Run("open", ctx, () => stream.OpenAsync(questionOffset: ctx.ScenarioInfo.ThreadNumber)).ConfigureAwait(false);
                if (open.IsError)
                {
                    await stream.DisposeAsync().ConfigureAwait(false);
                    await Task.Delay(200, ctx.CancellationToken).ConfigureAwait(false);
                    return open;
                }

                ctx.Data["camera"] = new CameraCopy(stream, ctx);
            }

            return await ((CameraCopy)ctx.Data["camera"]).Stream.SendWindowAsync(ctx.CancellationToken).ConfigureAwait(false);
        })
        .WithStreamingMetrics(metrics)
        .WithStopTimeout(settings.CloseTimeout + TimeSpan.FromSeconds(5));
    }
}
