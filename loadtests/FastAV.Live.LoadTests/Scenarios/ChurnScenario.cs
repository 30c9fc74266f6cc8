using System.Diagnostics;
using FastAV.Live.LoadTests.Streaming;
using Grpc.Core;

namespace FastAV.Live.LoadTests.Scenarios;

/// <summary>
/// Cameras that keep dropping and coming back: each iteration of a copy is one session under the copy's own stream
/// id — reopen (step "reopen": with the last resume token when the server gave one; ALREADY_EXISTS while the server
/// still holds the old session is retried for up to 5 s, each retry counted), 2–5 windows of media, then a drop
/// (odd sessions cancel the call as a lost network would, step "drop") or a clean close (even ones, step "close").
/// </summary>
public static class ChurnScenario
{
    public static Scenario Create(string name, Fleet fleet, CameraSettings settings, StreamingMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(fleet);
        ArgumentNullException.ThrowIfNull(settings);
        return Scenario.Create(name, async ctx =>
        {
            var id = $"{name}-{ctx.ScenarioInfo.ThreadNumber}{(ctx.IsWarmUp ? "-warmup" : "")}";
            var resume = ctx.Data.TryGetValue("resume", out var token) ? (string)token : "";
            CameraStream? stream = null;
            var opened = await Step.Run("reopen", ctx, async () =>
            {
                var deadline = Stopwatch.StartNew();
                while (true)
                {
                    stream = new CameraStream(fleet.Clients.GetClient(ctx.ScenarioInfo), fleet.Clip, settings, metrics, id, r => { if (!ctx.IsWarmUp) Step.Record("standing_answer", ctx, r, r.LatencyMs ?? 0); }, null, ctx.CancellationToken);
                    try
                    {
                        return await stream.OpenAsync(resume, ctx.ScenarioInfo.ThreadNumber).ConfigureAwait(false);
                    }
                    catch (RpcException e) when (e.StatusCode == StatusCode.NotFound && resume.Length > 0)
                    {
                        resume = "";
                    }
                    catch (RpcException e) when (e.StatusCode == StatusCode.AlreadyExists && deadline.Elapsed < TimeSpan.FromSeconds(5))
                    {
                        metrics.RecordReopenRetry();
                        await Task.Delay(100, ctx.CancellationToken).ConfigureAwait(false);
                    }
                }
            }).ConfigureAwait(false);
            if (opened.IsError || stream is null)
            {
                if (stream is not null) await stream.DisposeAsync().ConfigureAwait(false);
                return opened;
            }

            await using (stream.ConfigureAwait(false))
            {
                ctx.Data["resume"] = stream.ResumeToken;
                var windows = ctx.Random.Next(2, 6);
                long bytes = 0;
                for (var w = 0; w < windows && !ctx.CopyStopping.IsCancellationRequested; w++)
                {
                    var sent = await stream.SendWindowAsync(ctx.CancellationToken).ConfigureAwait(false);
                    if (sent.IsError) return sent;
                    bytes += sent.SizeBytes;
                }

                var abrupt = ctx.InvocationNumber % 2 == 1;
                var closed = await Step.Run(abrupt ? "drop" : "close", ctx, () => stream.CloseAsync(graceful: !abrupt)).ConfigureAwait(false);
                return closed.IsError ? closed : Response.Ok(sizeBytes: bytes);
            }
        })
        .WithStreamingMetrics(metrics)
        .WithStopTimeout(settings.CloseTimeout + TimeSpan.FromSeconds(10));
    }
}
