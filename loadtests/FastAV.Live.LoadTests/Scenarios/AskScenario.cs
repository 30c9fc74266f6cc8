using System.Diagnostics;
using FastAV.Live.LoadTests.Streaming;

namespace FastAV.Live.LoadTests.Scenarios;

/// <summary>
/// Ask calls as open-model copies (each runs once): a question about a random live stream of the run, from a client
/// that is not the stream's (step "ask", timed from the scheduled arrival; TTFT and inter-token latency go to the
/// streaming metrics). Without a live stream to ask about, the call fails with −101.
/// </summary>
public static class AskScenario
{
    public static Scenario Create(string name, Fleet fleet, StreamingMetrics metrics, int maxTokens)
    {
        ArgumentNullException.ThrowIfNull(fleet);
        return Scenario.Create(name, async ctx =>
        {
            var scheduled = ctx.ScheduledTimestamp ?? Stopwatch.GetTimestamp();
            var streamId = fleet.Directory.Pick(ctx.Random);
            var question = fleet.Clip.Questions[ctx.Random.Next(fleet.Clip.Questions.Count)].Text;
            return await Step.Run("ask", ctx, () => streamId is null
                ? Task.FromResult(Response.Fail(StatusCodes.ClientException, "no live stream to ask about yet"))
                : AskCall.RunAsync(fleet.Clients.GetClient(ctx.ScenarioInfo), streamId, question, maxTokens, TimeSpan.FromSeconds(30), metrics, scheduled, ctx.CancellationToken)).ConfigureAwait(false);
        })
        .WithStreamingMetrics(metrics);
    }
}
