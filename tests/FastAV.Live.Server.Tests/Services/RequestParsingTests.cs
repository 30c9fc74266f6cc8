using FastAV.Live.Contracts.V1;
using Google.Protobuf;
using Grpc.Core;

namespace FastAV.Live.Server.Tests.Services;

/// <summary>
/// Requests whose bytes are not what they claim, sent raw to the real server: garbage and truncated protobuf are
/// INVALID_ARGUMENT naming the message, strings that are not UTF-8 INVALID_ARGUMENT naming the field (the contract),
/// where the library alone answers UNKNOWN and older Google.Protobuf answered a question it had silently changed.
/// </summary>
public sealed class RequestParsingTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task A_question_whose_text_is_not_utf8_ends_the_stream_call_naming_the_field()
    {
        await using var server = await LiveServer.StartAsync();
        using var channel = server.CreateChannel();
        using var call = RawCalls.Stream(channel, Patience);
        await call.RequestStream.WriteAsync(StreamMessages.OpenRequest("utf").ToByteArray());
        Assert.True(await call.ResponseStream.MoveNext());
        await call.RequestStream.WriteAsync(NotUtf8(new StreamRequest { Question = new Question { QuestionId = "q1", Text = "is anyone XX there?" } }));

        var ex = await Assert.ThrowsAsync<RpcException>(() => StreamCalls.DrainAsync(call.ResponseStream));
        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.Equal("StreamRequest.question.text: not valid UTF-8 (proto3 strings are UTF-8)", ex.Status.Detail);
        Assert.Null(server.Registry.Find("utf"));
    }

    [Fact]
    public async Task A_standing_question_in_the_open_that_is_not_utf8_is_named_with_its_index()
    {
        await using var server = await LiveServer.StartAsync();
        using var channel = server.CreateChannel();
        using var call = RawCalls.Stream(channel, Patience);
        var open = StreamMessages.Open("standing");
        open.StandingQuestions.Add(new StandingQuestion { QuestionId = "a", Text = "fine", IntervalMs = 1000 });
        open.StandingQuestions.Add(new StandingQuestion { QuestionId = "b", Text = "not XX fine", IntervalMs = 1000 });
        await call.RequestStream.WriteAsync(NotUtf8(new StreamRequest { Open = open }));

        var ex = await Assert.ThrowsAsync<RpcException>(() => StreamCalls.DrainAsync(call.ResponseStream));
        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.Equal("StreamRequest.open.standing_questions[1].text: not valid UTF-8 (proto3 strings are UTF-8)", ex.Status.Detail);
    }

    [Fact]
    public async Task Ask_with_a_question_that_is_not_utf8_is_invalid_argument_and_a_real_replacement_character_is_not()
    {
        await using var server = await LiveServer.StartAsync();
        using var channel = server.CreateChannel();
        using var bad = RawCalls.Ask(channel, NotUtf8(new AskRequest { StreamId = "cam", Question = new Question { Text = "what XX happened?" } }), Patience);
        var ex = await Assert.ThrowsAsync<RpcException>(() => bad.ResponseStream.MoveNext());
        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.Equal("AskRequest.question.text: not valid UTF-8 (proto3 strings are UTF-8)", ex.Status.Detail);

        // U+FFFD written as UTF-8 is a character like any other: the request is parsed and asks about a stream that is not live.
        using var fine = RawCalls.Ask(channel, new AskRequest { StreamId = "cam", Question = new Question { Text = "what \uFFFD happened?" } }.ToByteArray(), Patience);
        var missing = await Assert.ThrowsAsync<RpcException>(() => fine.ResponseStream.MoveNext());
        Assert.Equal(StatusCode.NotFound, missing.StatusCode);
    }

    public static TheoryData<string, byte[]> Garbage() => new()
    {
        { "tag 0", [0x00, 0x01, 0x02] },
        { "wire type 7", [0x0F, 0x01] },
        { "length past the end", [0x0A, 0x20, (byte)'c', (byte)'a', (byte)'m'] },
        { "truncated varint", [0x08, 0xFF, 0xFF] },
        { "a valid request cut short", new GetStreamRequest { StreamId = "cam-1234567" }.ToByteArray()[..6] },
    };

    [Theory]
    [MemberData(nameof(Garbage))]
    public async Task Garbage_and_truncated_protobuf_are_invalid_argument_naming_the_message(string what, byte[] bytes)
    {
        await using var server = await LiveServer.StartAsync();
        using var channel = server.CreateChannel();
        var get = await Assert.ThrowsAsync<RpcException>(() => RawCalls.GetStream(channel, bytes, Patience).ResponseAsync);
        Assert.True(get.StatusCode == StatusCode.InvalidArgument, $"{what}: {get.Status}");
        Assert.StartsWith("GetStreamRequest: not a valid protobuf encoding of GetStreamRequest", get.Status.Detail, StringComparison.Ordinal);

        var list = await Assert.ThrowsAsync<RpcException>(() => RawCalls.ListStreams(channel, bytes, Patience).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, list.StatusCode);
        Assert.StartsWith("ListStreamsRequest: not a valid protobuf encoding", list.Status.Detail, StringComparison.Ordinal);

        using var ask = RawCalls.Ask(channel, bytes, Patience);
        var asked = await Assert.ThrowsAsync<RpcException>(() => ask.ResponseStream.MoveNext());
        Assert.Equal(StatusCode.InvalidArgument, asked.StatusCode);
        Assert.StartsWith("AskRequest: not a valid protobuf encoding", asked.Status.Detail, StringComparison.Ordinal);
    }

    /// <summary>The message's encoding with its "XX" (in one string field) replaced by 0xC3 0x28, which is not UTF-8.</summary>
    private static byte[] NotUtf8(IMessage message)
    {
        var bytes = message.ToByteArray();
        var at = bytes.AsSpan().IndexOf("XX"u8);
        Assert.True(at >= 0, "the message has no XX to corrupt");
        bytes[at] = 0xC3;
        bytes[at + 1] = 0x28;
        return bytes;
    }
}
