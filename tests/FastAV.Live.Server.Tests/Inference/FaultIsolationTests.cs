using FastAV.Live.Contracts.V1;
using FastAV.Live.Server.Inference;
using FastAV.Live.Server.Streams;
using FastAV.Live.Server.Tests.EndToEnd;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;

namespace FastAV.Live.Server.Tests.Inference;

/// <summary>
/// A stream whose engine work fails — a real libtorch allocation failure, a pruning policy that throws (both injected by
/// <see cref="TestFaultInjection"/>) — ends alone with RESOURCE_EXHAUSTED / INTERNAL after its final StreamStats, while
/// streams sharing the engine's steps with it answer exactly as in a run without the faults.
/// </summary>
public sealed class FaultIsolationTests
{
    [Fact]
    public async Task A_stream_whose_engine_work_fails_ends_alone_and_the_others_answer_bit_for_bit_as_without_the_fault()
    {
        var clips = await TinyClips.GetAsync();
        var faults = new TestFaultInjection { AllocationFailureStreamId = "faulty-alloc", ThrowingPolicyStreamId = "faulty-throw", HealthyWindows = 2 };
        await using var server = await LiveServer.StartWithServicesAsync(null, o =>
        {
            o.Model = Path.Combine(PythonProbe.RepoRoot, "models", "fastav-tiny");
            (o.MaxBacklogSeconds, o.MaxQueuedWindows) = (60, 64);
        }, s => s.AddSingleton(faults));
        using var channel = server.CreateChannel();
        PruningPolicy[] policies = [PruningPolicy.Fastav, PruningPolicy.None, PruningPolicy.Random];

        var alone = await Task.WhenAll(Enumerable.Range(0, 3).Select(k => RunAsync(channel, clips[k], $"alone-{k}", policies[k])));
        var together = await Task.WhenAll(Enumerable.Range(0, 3).Select(k => RunAsync(channel, clips[k], $"beside-{k}", policies[k]))
            .Append(RunAsync(channel, clips[3], "faulty-alloc", PruningPolicy.Fastav))
            .Append(RunAsync(channel, clips[3], "faulty-throw", PruningPolicy.None)));

        for (var k = 0; k < 3; k++)
        {
            Assert.Equal(StatusCode.OK, alone[k].Status.StatusCode);
            Assert.Equal(StatusCode.OK, together[k].Status.StatusCode);
            var expected = BatchedAnswers.Comparable(alone[k].Responses);
            Assert.Equal(clips[k].Questions.Count, expected.Select(a => a.QuestionId).Distinct().Count());
            Assert.Equal(expected, BatchedAnswers.Comparable(together[k].Responses)); // every field but the wall-clock latencies and the probabilities
            BatchedAnswers.AssertProbabilitiesClose(alone[k].Responses, together[k].Responses);
            Assert.Equal((ulong)clips[k].Windows, together[k].Responses[^1].Stats.WindowsPrefilled);
        }

        foreach (var (run, code, reason) in new[] { (together[3], StatusCode.ResourceExhausted, "can't allocate memory"), (together[4], StatusCode.Internal, "test fault: the pruning policy threw") })
        {
            Assert.Equal(code, run.Status.StatusCode);
            Assert.Contains(reason, run.Status.Detail, StringComparison.Ordinal);
            Assert.Contains("the stream is closed (other streams go on)", run.Status.Detail, StringComparison.Ordinal);
            var final = run.Responses[^1].Stats;
            Assert.True(final is { Final: true }, "no final StreamStats before the status");
            Assert.Equal(2UL, final.WindowsPrefilled); // the healthy windows, then the fault
        }

        var server2 = (await new LiveAnalytics.LiveAnalyticsClient(channel).ListStreamsAsync(new ListStreamsRequest())).Server;
        Assert.Equal((2UL, 0u, 0UL), (server2.StreamsFailedTotal, server2.Streams, server2.DetachedTotal));
    }

    /// <summary>The whole clip, tolerating a call that the server ends early.</summary>
    private static async Task<(List<StreamResponse> Responses, Status Status)> RunAsync(GrpcChannel channel, Clip clip, string id, PruningPolicy policy)
    {
        using var call = new LiveAnalytics.LiveAnalyticsClient(channel).Stream(new CallOptions(deadline: DateTime.UtcNow + EndToEndServer.Patience));
        var responses = new List<StreamResponse>();
        var reading = Task.Run(async () =>
        {
            try
            {
                while (await call.ResponseStream.MoveNext(CancellationToken.None)) responses.Add(call.ResponseStream.Current);
            }
            catch (RpcException)
            {
            }
        });
        try
        {
            await call.RequestStream.WriteAsync(new StreamRequest { Open = ClipStream.Open(clip, id, policy, ClipStream.Standing(clip)) });
            for (var w = 0; w < clip.Windows; w++)
            {
                foreach (var r in ClipStream.Window(clip, w)) await call.RequestStream.WriteAsync(r);
            }

            await call.RequestStream.CompleteAsync();
        }
        catch (Exception e) when (e is RpcException or InvalidOperationException)
        {
            // The server ended the call (the faulty stream).
        }

        await reading;
        return (responses, call.GetStatus());
    }
}
