using FastAV.Live.Contracts.V1;
using Grpc.Core;
using Grpc.Net.Client;

namespace FastAV.Live.Server.Tests.EndToEnd;

/// <summary>
/// Issue 19, item 5: the server does what live.proto says for questions that cannot be asked and for the standing
/// question limit, on the wire with the official .NET client and the embedded model.
/// </summary>
public sealed class ContractTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task A_question_before_any_media_fails_precondition_in_its_answer_and_the_stream_goes_on()
    {
        var clip = (await TinyClips.GetAsync())[0];
        await using var server = await EndToEndServer.StartAsync();
        using var channel = GrpcChannel.ForAddress(server.Address);
        var client = new LiveAnalytics.LiveAnalyticsClient(channel);
        using var camera = new CameraCall(client, Patience);
        var standing = new StandingQuestion { QuestionId = "count", Text = "how many objects are there?", IntervalMs = 1000, MaxTokens = 4 };
        await camera.SendAsync(new StreamRequest { Open = ClipStream.Open(clip, "early", PruningPolicy.Fastav, [standing]) });
        await camera.WaitForAsync(r => r.Accepted is not null);

        // Ask, from another client, before any media: FAILED_PRECONDITION, as for the question on the stream.
        var ask = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            using var call = client.Ask(new AskRequest { StreamId = "early", Question = new Question { Text = "what colour is the square?" } });
            while (await call.ResponseStream.MoveNext(CancellationToken.None))
            {
            }
        });
        Assert.Equal(StatusCode.FailedPrecondition, ask.StatusCode);
        Assert.StartsWith("no media yet", ask.Status.Detail, StringComparison.Ordinal);

        await camera.SendAsync(new StreamRequest { Question = new Question { QuestionId = "too-soon", Text = "what colour is the square?" } });
        for (var w = 0; w < clip.Windows; w++)
        {
            foreach (var request in ClipStream.Window(clip, w)) await camera.SendAsync(request);
        }

        var (responses, status) = await camera.FinishAsync();
        Assert.Equal(StatusCode.OK, status.StatusCode);
        var failed = responses.Single(r => r.Answer?.QuestionId == "too-soon").Answer;
        Assert.Equal((FinishReason.Failed, (uint)StatusCode.FailedPrecondition, ""), (failed.FinishReason, failed.Failure.Code, failed.Text));
        Assert.StartsWith("no media yet", failed.Failure.Message, StringComparison.Ordinal);
        Assert.Contains(responses, r => r.Warning?.Code == WarningCode.QuestionRejected);
        Assert.Equal(clip.Windows, responses.Count(r => r.Answer?.QuestionId == "count" && r.Answer.FinishReason == FinishReason.Stop));
    }

    [Fact]
    public async Task A_malformed_question_mid_stream_gets_a_failed_answer_and_the_cameras_media_goes_on()
    {
        var clip = (await TinyClips.GetAsync())[2];
        await using var server = await EndToEndServer.StartAsync();
        using var channel = GrpcChannel.ForAddress(server.Address);
        using var camera = new CameraCall(new LiveAnalytics.LiveAnalyticsClient(channel), Patience);
        await camera.SendAsync(new StreamRequest { Open = ClipStream.Open(clip, "typo", PruningPolicy.Fastav, []) });
        for (var w = 0; w < clip.Windows; w++)
        {
            foreach (var request in ClipStream.Window(clip, w)) await camera.SendAsync(request);
            if (w == 1) await camera.SendAsync(new StreamRequest { Question = new Question { QuestionId = "bad", Text = "ok?", MaxTokens = 100_000 } });
            if (w == 3) await camera.SendAsync(new StreamRequest { Question = new Question { QuestionId = "good", Text = "how many objects are there?", MaxTokens = 4 } });
        }

        var (responses, status) = await camera.FinishAsync();
        Assert.Equal(StatusCode.OK, status.StatusCode);
        var bad = responses.Single(r => r.Answer?.QuestionId == "bad").Answer;
        Assert.Equal((FinishReason.Failed, (uint)StatusCode.InvalidArgument), (bad.FinishReason, bad.Failure.Code));
        Assert.StartsWith("StreamRequest.question.max_tokens:", bad.Failure.Message, StringComparison.Ordinal);
        var warning = responses.Single(r => r.Warning?.Code == WarningCode.QuestionRejected).Warning;
        Assert.Contains("'bad'", warning.Message, StringComparison.Ordinal);
        var good = responses.Single(r => r.Answer?.QuestionId == "good").Answer;
        Assert.Equal(FinishReason.Stop, good.FinishReason);
        Assert.Equal(4_000_000, good.Span.EndPtsUs);
        Assert.Equal((ulong)clip.Windows, responses[^1].Stats.WindowsPrefilled);
    }

    [Fact]
    public async Task More_standing_questions_than_the_limit_is_resource_exhausted_at_open_and_when_added()
    {
        await using var server = await EndToEndServer.StartAsync();
        using var channel = GrpcChannel.ForAddress(server.Address);
        var client = new LiveAnalytics.LiveAnalyticsClient(channel);
        var seventeen = Enumerable.Range(0, 17).Select(i => new StandingQuestion { QuestionId = $"q{i}", Text = "how many objects are there?" }).ToArray();

        using (var tooMany = new CameraCall(client, Patience))
        {
            await tooMany.SendAsync(new StreamRequest { Open = new StreamOpen { StreamId = "many", Audio = new AudioFormat { Codec = AudioCodec.PcmS16Le, SampleRateHz = 16000, Channels = 1 }, StandingQuestions = { seventeen } } });
            var (_, status) = await tooMany.ResultAsync();
            Assert.Equal(StatusCode.ResourceExhausted, status.StatusCode);
            Assert.Equal("StreamOpen.standing_questions: has 17 entries, at most 16 allowed (the server's limit)", status.Detail);
        }

        using var oneByOne = new CameraCall(client, Patience);
        await oneByOne.SendAsync(new StreamRequest { Open = new StreamOpen { StreamId = "added", Audio = new AudioFormat { Codec = AudioCodec.PcmS16Le, SampleRateHz = 16000, Channels = 1 }, StandingQuestions = { seventeen[..16] } } });
        await oneByOne.SendAsync(new StreamRequest { StandingQuestion = seventeen[16] });
        var (_, added) = await oneByOne.ResultAsync();
        Assert.Equal(StatusCode.ResourceExhausted, added.StatusCode);
    }
}
