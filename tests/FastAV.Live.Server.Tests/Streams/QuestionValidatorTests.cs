using FastAV.Live.Contracts.V1;
using Grpc.Core;
using Grpc.Net.Client;
using FastAV.Live.Server.Streams;

namespace FastAV.Live.Server.Tests.Streams;

public sealed class QuestionValidatorTests
{
    private static readonly QuestionValidator Validator = new(new LiveAnalyticsOptions { MaxQuestionChars = 50, MaxQuestionIdLength = 8, MaxAnswerTokens = 100 });

    public static TheoryData<Question, string> Malformed => new()
    {
        { new Question { Text = "hi" }, "Q.question_id: is required" },
        { new Question { QuestionId = "abcdefghi", Text = "hi" }, "Q.question_id: is 9 characters, at most 8" },
        { new Question { QuestionId = "a b", Text = "hi" }, "Q.question_id: may only contain" },
        { new Question { QuestionId = "q" }, "Q.text: is required" },
        { new Question { QuestionId = "q", Text = " \t\n " }, "Q.text: is required" },
        { new Question { QuestionId = "q", Text = new string('x', 51) }, "Q.text: is 51 characters, at most 50" },
        { new Question { QuestionId = "q", Text = "ring\u0007" }, "Q.text: contains control character U+0007 at index 4" },
        { new Question { QuestionId = "q", Text = "esc\u001b[2J" }, "Q.text: contains control character U+001B" },
        { new Question { QuestionId = "q", Text = "a\ud800b" }, "Q.text: contains an unpaired surrogate at index 1" },
        { new Question { QuestionId = "q", Text = "a\udc00" }, "Q.text: contains an unpaired surrogate at index 1" },
        { new Question { QuestionId = "q", Text = "hi", MaxTokens = 101 }, "Q.max_tokens: must be at most 100, got 101" },
        { new Question { QuestionId = "q", Text = "hi", Temperature = -0.5f }, "Q.temperature: must be in [0, 2], got -0.5" },
        { new Question { QuestionId = "q", Text = "hi", Temperature = float.NaN }, "Q.temperature:" },
        { new Question { QuestionId = "q", Text = "hi", Temperature = 2.01f }, "Q.temperature:" },
        { new Question { QuestionId = "q", Text = "hi", LookbackMs = 86_400_001 }, "Q.lookback_ms: must be at most 86400000" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void Malformed_question_is_invalid_argument_naming_the_field(Question question, string expected)
    {
        var status = Validator.Validate(question, "Q", idRequired: true);
        Assert.Equal(StatusCode.InvalidArgument, status.StatusCode);
        Assert.StartsWith(expected, status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Valid_questions_pass_and_ask_may_leave_the_id_empty()
    {
        Assert.Equal(StatusCode.OK, Validator.Validate(new Question { QuestionId = "q-1", Text = "what colour is the car? 🚗", MaxTokens = 100, Temperature = 2, LookbackMs = 86_400_000 }, "Q", true).StatusCode);
        Assert.Equal(StatusCode.OK, Validator.Validate(new Question { Text = "who?" }, "Q", idRequired: false).StatusCode);
        Assert.Equal(StatusCode.InvalidArgument, Validator.Validate((Question?)null, "Q", idRequired: false).StatusCode);
    }

    [Theory]
    [InlineData(0u, true)]
    [InlineData(499u, false)]
    [InlineData(500u, true)]
    [InlineData(3_600_000u, true)]
    [InlineData(3_600_001u, false)]
    public void Standing_interval_is_zero_or_in_range(uint interval, bool ok)
    {
        var status = Validator.Validate(new StandingQuestion { QuestionId = "s", Text = "door?", IntervalMs = interval }, "S");
        Assert.Equal(ok ? StatusCode.OK : StatusCode.InvalidArgument, status.StatusCode);
        if (!ok)
        {
            Assert.StartsWith("S.interval_ms:", status.Detail, StringComparison.Ordinal);
        }
    }
}
