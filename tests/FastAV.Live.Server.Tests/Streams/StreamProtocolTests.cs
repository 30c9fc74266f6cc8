using FastAV.Live.Contracts.V1;
using Grpc.Core;
using Grpc.Net.Client;
using FastAV.Live.Server.Streams;
using Microsoft.Extensions.Options;

namespace FastAV.Live.Server.Tests.Streams;

/// <summary>The Stream call's message grammar without gRPC: requests in, responses and ending statuses out.</summary>
public sealed class StreamProtocolTests
{
    private readonly LiveAnalyticsOptions _options = new() { MaxStandingQuestions = 2, MaxWarningsPerStatsInterval = 2 };
    private readonly StreamRegistry _registry;

    public StreamProtocolTests() => _registry = new StreamRegistry(Options.Create(_options), TimeProvider.System);

    private StreamProtocol Protocol() => new(_registry, _options, "ipv4:127.0.0.1:1");

    private static (Status Status, List<StreamResponse> Output) Send(StreamProtocol protocol, StreamRequest request)
    {
        var output = new List<StreamResponse>();
        return (protocol.Receive(request, output), output);
    }

    [Theory]
    [InlineData(StreamRequest.KindOneofCase.Video, "video")]
    [InlineData(StreamRequest.KindOneofCase.Audio, "audio")]
    [InlineData(StreamRequest.KindOneofCase.Question, "question")]
    [InlineData(StreamRequest.KindOneofCase.None, "an empty StreamRequest")]
    public void Anything_but_open_first_is_invalid_argument(StreamRequest.KindOneofCase kind, string named)
    {
        var request = kind switch
        {
            StreamRequest.KindOneofCase.Video => StreamMessages.FrameRequest(0),
            StreamRequest.KindOneofCase.Audio => StreamMessages.ChunkRequest(0),
            StreamRequest.KindOneofCase.Question => StreamMessages.QuestionRequest(),
            _ => new StreamRequest(),
        };
        var (status, output) = Send(Protocol(), request);
        Assert.Equal((StatusCode.InvalidArgument, $"StreamRequest: the first message must be StreamOpen, got {named}"), (status.StatusCode, status.Detail));
        Assert.Empty(output);
        Assert.Equal(0, _registry.Count);
    }

    [Fact]
    public void Open_is_accepted_with_effective_settings_and_registered()
    {
        var protocol = Protocol();
        var (status, output) = Send(protocol, StreamMessages.OpenRequest("door"));
        Assert.Equal(StatusCode.OK, status.StatusCode);
        var accepted = Assert.Single(output).Accepted;
        Assert.Equal(("door", "", false, PruningPolicy.Fastav, 1000u, 5000u), (accepted.StreamId, accepted.Model, accepted.ModelLoaded, accepted.Pruning.Policy, accepted.WindowMs, accepted.StatsIntervalMs));
        Assert.Same(protocol.Stream, _registry.Find("door"));
        protocol.Close();
        Assert.Null(_registry.Find("door"));
    }

    [Fact]
    public void A_resume_token_is_not_found_while_nothing_can_be_resumed()
    {
        var open = StreamMessages.OpenRequest();
        open.Open.ResumeToken = "tok-123";
        var (status, _) = Send(Protocol(), open);
        Assert.Equal(StatusCode.NotFound, status.StatusCode);
        Assert.StartsWith("StreamOpen.resume_token:", status.Detail, StringComparison.Ordinal);
        Assert.Equal(0, _registry.Count);
    }

    [Fact]
    public void A_malformed_question_gets_a_failed_answer_and_a_warning_and_the_stream_goes_on()
    {
        var protocol = Protocol();
        Send(protocol, StreamMessages.OpenRequest());
        var (bad, output) = Send(protocol, StreamMessages.QuestionRequest(text: ""));
        Assert.Equal(StatusCode.OK, bad.StatusCode);
        Assert.Equal([StreamResponse.KindOneofCase.Answer, StreamResponse.KindOneofCase.Warning], output.Select(r => r.KindCase));
        var answer = output[0].Answer;
        Assert.Equal((FinishReason.Failed, (uint)StatusCode.InvalidArgument, "StreamRequest.question.text: is required (not empty, not only whitespace)"),
            (answer.FinishReason, answer.Failure.Code, answer.Failure.Message));
        Assert.Equal("", answer.Text);
        Assert.Equal(WarningCode.QuestionRejected, output[1].Warning.Code);
        Assert.Equal(1UL, output[1].Warning.RequestIndex);

        // A malformed id cannot be echoed: the failed answer's id is empty.
        (bad, output) = Send(protocol, new StreamRequest { Question = new Question { QuestionId = "bad id!", Text = "fine?" } });
        Assert.Equal(StatusCode.OK, bad.StatusCode);
        Assert.Equal("", output[0].Answer.QuestionId);
        Assert.StartsWith("StreamRequest.question.question_id:", output[0].Answer.Failure.Message, StringComparison.Ordinal);

        Assert.Equal(StatusCode.OK, Send(protocol, StreamMessages.FrameRequest(0)).Status.StatusCode); // media still flows
    }

    [Fact]
    public void A_valid_question_ends_the_call_with_no_model_loaded()
    {
        var protocol = Protocol();
        Send(protocol, StreamMessages.OpenRequest());
        var (status, output) = Send(protocol, StreamMessages.QuestionRequest());
        Assert.Equal(LiveStatuses.NoModelLoaded, status);
        Assert.Empty(output);
        Assert.Equal(1, protocol.Stream!.Counters.QuestionsReceived);
    }

    [Fact]
    public void Standing_questions_are_kept_warned_about_and_limited()
    {
        var protocol = Protocol();
        var open = StreamMessages.OpenRequest();
        open.Open.StandingQuestions.Add(new StandingQuestion { QuestionId = "door", Text = "anyone at the door?" });
        var (_, opened) = Send(protocol, open);
        Assert.Equal([StreamResponse.KindOneofCase.Accepted, StreamResponse.KindOneofCase.Warning], opened.Select(r => r.KindCase));
        Assert.Equal(WarningCode.NoModelLoaded, opened[1].Warning.Code);

        var duplicate = Send(protocol, new StreamRequest { StandingQuestion = new StandingQuestion { QuestionId = "door", Text = "again?" } });
        Assert.Equal((StatusCode.InvalidArgument, "StreamRequest.standing_question.question_id: 'door' is already standing"), (duplicate.Status.StatusCode, duplicate.Status.Detail));
        Assert.Equal(StatusCode.OK, Send(protocol, new StreamRequest { StandingQuestion = new StandingQuestion { QuestionId = "car", Text = "a car?" } }).Status.StatusCode);
        var third = Send(protocol, new StreamRequest { StandingQuestion = new StandingQuestion { QuestionId = "dog", Text = "a dog?" } });
        Assert.Equal(StatusCode.ResourceExhausted, third.Status.StatusCode);
        Assert.StartsWith("StreamRequest.standing_question:", third.Status.Detail, StringComparison.Ordinal);

        Assert.Empty(Send(protocol, new StreamRequest { CancelStandingQuestion = new CancelStandingQuestion { QuestionId = "door" } }).Output);
        Assert.Equal(["car"], protocol.Stream!.StandingQuestions().Select(q => q.QuestionId));
        protocol.Stats(final: false);   // the two warnings so far used this interval's budget
        var unknown = Send(protocol, new StreamRequest { CancelStandingQuestion = new CancelStandingQuestion { QuestionId = "door" } });
        Assert.Equal(StatusCode.OK, unknown.Status.StatusCode);
        Assert.Equal(WarningCode.UnknownQuestion, Assert.Single(unknown.Output).Warning.Code);
        var badId = Send(protocol, new StreamRequest { CancelStandingQuestion = new CancelStandingQuestion() });
        Assert.Equal("StreamRequest.cancel_standing_question.question_id: is required", badId.Status.Detail);
    }

    [Fact]
    public void Warnings_are_limited_per_stats_interval_and_the_rest_counted()
    {
        var protocol = Protocol();
        Send(protocol, StreamMessages.OpenRequest());
        var warnings = Enumerable.Range(0, 5).Sum(_ => Send(protocol, StreamMessages.FrameRequest(0, bytes: 1)).Output.Count);
        Assert.Equal(2, warnings);
        Assert.Equal(3, protocol.Stream!.Counters.WarningsSuppressed);
        var stats = protocol.Stats(final: false)!.Stats;
        Assert.Equal((5UL, 3UL, 6UL), (stats.VideoFramesRejected, stats.WarningsSuppressed, stats.RequestsReceived));
        Assert.Single(Send(protocol, StreamMessages.FrameRequest(0, bytes: 1)).Output);   // a new interval, a new budget
    }

    [Fact]
    public void Unknown_kinds_are_counted_and_the_stream_goes_on()
    {
        var protocol = Protocol();
        Send(protocol, StreamMessages.OpenRequest());
        var (status, output) = Send(protocol, new StreamRequest());
        Assert.Equal(StatusCode.OK, status.StatusCode);
        Assert.Equal((WarningCode.UnknownMessage, 1UL), (output[0].Warning.Code, output[0].Warning.RequestIndex));
        Assert.Equal(1, protocol.Stream!.Counters.UnknownMessages);
        Assert.Equal(StatusCode.OK, Send(protocol, StreamMessages.FrameRequest(0)).Status.StatusCode);
        Assert.Equal(1, protocol.Stream.Counters.VideoFramesAccepted);
    }

    [Fact]
    public void Stats_before_open_are_null_and_receive_after_close_throws()
    {
        var protocol = Protocol();
        Assert.Null(protocol.Stats(final: true));
        protocol.Close();
        Assert.Throws<ObjectDisposedException>(() => protocol.Receive(StreamMessages.OpenRequest(), new List<StreamResponse>()));
    }
}
