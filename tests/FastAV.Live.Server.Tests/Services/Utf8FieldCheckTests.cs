using System.Buffers;
using FastAV.Live.Contracts.V1;
using FastAV.Live.Server.Services;
using Google.Protobuf;

namespace FastAV.Live.Server.Tests.Services;

/// <summary>The raw UTF-8 check by descriptor: nested messages, repeated fields with their index, map entries, and valid text left alone.</summary>
public sealed class Utf8FieldCheckTests
{
    [Fact]
    public void Valid_messages_pass_whatever_their_characters()
    {
        var open = StreamMessages.Open("cam");
        open.StandingQuestions.Add(new StandingQuestion { QuestionId = "q", Text = "¿Hay alguien? 有人吗？ \uFFFD 😀" });
        open.Labels["site"] = "München";
        Assert.Null(Utf8FieldCheck.FindInvalid(StreamRequest.Descriptor, Sequence(new StreamRequest { Open = open }.ToByteArray())));
        Assert.Null(Utf8FieldCheck.FindInvalid(StreamRequest.Descriptor, Sequence(StreamMessages.FrameRequest(0, 300).ToByteArray())));
    }

    [Theory]
    [InlineData(new byte[] { 0xFF }, "lone 0xFF")]
    [InlineData(new byte[] { 0xC3, 0x28 }, "bad continuation byte")]
    [InlineData(new byte[] { 0xED, 0xA0, 0x80 }, "UTF-16 surrogate encoded as UTF-8")]
    [InlineData(new byte[] { 0xC0, 0xAF }, "overlong '/'")]
    [InlineData(new byte[] { 0xE2, 0x82 }, "cut inside a character")]
    public void Invalid_bytes_are_found_in_nested_repeated_and_map_fields(byte[] bad, string why)
    {
        var standing = Find(text =>
        {
            var open = StreamMessages.Open("cam");
            open.StandingQuestions.Add(new StandingQuestion { QuestionId = "ok", Text = "fine" });
            open.StandingQuestions.Add(new StandingQuestion { QuestionId = "bad", Text = text });
            return new StreamRequest { Open = open };
        }, bad);
        Assert.True(standing == "StreamRequest.open.standing_questions[1].text", $"{why}: {standing}");

        Assert.Equal("StreamRequest.open.labels.value", Find(text =>
        {
            var open = StreamMessages.Open("cam");
            open.Labels["site"] = text;
            return new StreamRequest { Open = open };
        }, bad));
        Assert.Equal("AskRequest.question.text", Find(text => new AskRequest { StreamId = "cam", Question = new Question { Text = "a " + text + " b" } }, bad));
    }

    [Fact]
    public void Bytes_that_are_no_encoding_at_all_end_the_walk_without_an_answer()
    {
        Assert.Null(Utf8FieldCheck.FindInvalid(StreamRequest.Descriptor, Sequence([0x0A, 0x7F, 0x01])));
        Assert.Null(Utf8FieldCheck.FindInvalid(StreamRequest.Descriptor, Sequence([0x0F])));
        Assert.Null(Utf8FieldCheck.FindInvalid(StreamRequest.Descriptor, Sequence([.. Enumerable.Repeat((byte)0x13, 500)])));
    }

    [Fact]
    public void A_message_split_across_segments_is_checked_as_one()
    {
        var bytes = Corrupt(text => new AskRequest { StreamId = "cam", Question = new Question { Text = "a long question " + text + " about the porch" } }, [0xFF]);
        var first = new Segment(bytes.AsMemory(0, 7));
        var last = first.Append(bytes.AsMemory(7));
        Assert.Equal("AskRequest.question.text", Utf8FieldCheck.FindInvalid(AskRequest.Descriptor, new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length)));
    }

    /// <summary>Builds the message with a placeholder string as long as <paramref name="bad"/>, then puts the bad bytes in its place.</summary>
    private static string? Find(Func<string, IMessage> build, byte[] bad) => Utf8FieldCheck.FindInvalid(build("").Descriptor, Sequence(Corrupt(build, bad)));

    private static byte[] Corrupt(Func<string, IMessage> build, byte[] bad)
    {
        var placeholder = new string('X', bad.Length);
        var bytes = build(placeholder).ToByteArray();
        var at = bytes.AsSpan().IndexOf(System.Text.Encoding.ASCII.GetBytes(placeholder));
        bad.CopyTo(bytes, at);
        return bytes;
    }

    private static ReadOnlySequence<byte> Sequence(byte[] bytes) => new(bytes);

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory) => Memory = memory;

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory) { RunningIndex = RunningIndex + Memory.Length };
            Next = next;
            return next;
        }
    }
}
