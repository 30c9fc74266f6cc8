using FastAV.Live.Contracts.V1;
using Grpc.Core;

namespace FastAV.Live.Server.Streams;

/// <summary>Checks questions (ad hoc and standing) against the contract and the server's limits.</summary>
public sealed class QuestionValidator(LiveAnalyticsOptions options)
{
    public const int MinIntervalMs = 500;
    public const int MaxIntervalMs = 3_600_000;
    public const int MaxLookbackMs = 86_400_000;
    public const float MaxTemperature = 2f;

    /// <param name="field">Path of the question in its request, e.g. "StreamRequest.question".</param>
    /// <param name="idRequired">False for Ask, where the server assigns an id to an empty one.</param>
    public Status Validate(Question? question, string field, bool idRequired)
    {
        if (question is null)
        {
            return LiveStatuses.Invalid(field, "is required");
        }

        var status = CheckId(question.QuestionId, field + ".question_id", idRequired);
        if (!status.IsOk())
        {
            return status;
        }

        status = CheckText(question.Text, field + ".text");
        if (!status.IsOk())
        {
            return status;
        }

        status = CheckMaxTokens(question.MaxTokens, field + ".max_tokens");
        if (!status.IsOk())
        {
            return status;
        }

        if (!(question.Temperature is >= 0f and <= MaxTemperature))
        {
            return LiveStatuses.Invalid(field + ".temperature", $"must be in [0, {MaxTemperature}], got {question.Temperature}");
        }

        if (question.LookbackMs > MaxLookbackMs)
        {
            return LiveStatuses.Invalid(field + ".lookback_ms", $"must be at most {MaxLookbackMs} (24 h), got {question.LookbackMs}");
        }

        return Status.DefaultSuccess;
    }

    public Status Validate(StandingQuestion? question, string field)
    {
        if (question is null)
        {
            return LiveStatuses.Invalid(field, "is required");
        }

        var status = CheckId(question.QuestionId, field + ".question_id", idRequired: true);
        if (!status.IsOk())
        {
            return status;
        }

        status = CheckText(question.Text, field + ".text");
        if (!status.IsOk())
        {
            return status;
        }

        if (question.IntervalMs != 0 && question.IntervalMs is < MinIntervalMs or > MaxIntervalMs)
        {
            return LiveStatuses.Invalid(field + ".interval_ms", $"must be 0 (default) or in [{MinIntervalMs}, {MaxIntervalMs}], got {question.IntervalMs}");
        }

        if (!(question.MinConfidence is >= 0f and <= 1f))
        {
            return LiveStatuses.Invalid(field + ".min_confidence", $"must be in [0, 1], got {question.MinConfidence}");
        }

        return CheckMaxTokens(question.MaxTokens, field + ".max_tokens");
    }

    public Status CheckId(string id, string field, bool idRequired)
    {
        if (id.Length == 0 && !idRequired)
        {
            return Status.DefaultSuccess;
        }

        var problem = IdentifierRules.Check(id, options.MaxQuestionIdLength);
        return problem is null ? Status.DefaultSuccess : LiveStatuses.Invalid(field, problem);
    }

    private Status CheckText(string text, string field)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return LiveStatuses.Invalid(field, "is required (not empty, not only whitespace)");
        }

        if (text.Length > options.MaxQuestionChars)
        {
            return LiveStatuses.Invalid(field, $"is {text.Length} characters, at most {options.MaxQuestionChars} allowed");
        }

        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsControl(c) && c is not '\t' and not '\n' and not '\r')
            {
                return LiveStatuses.Invalid(field, $"contains control character U+{(int)c:X4} at index {i}");
            }

            // Protobuf strings are UTF-8, but a lone surrogate can still come from a lenient client library.
            if (char.IsSurrogate(c) && !(char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])) &&
                !(char.IsLowSurrogate(c) && i > 0 && char.IsHighSurrogate(text[i - 1])))
            {
                return LiveStatuses.Invalid(field, $"contains an unpaired surrogate at index {i}");
            }
        }

        return Status.DefaultSuccess;
    }

    private Status CheckMaxTokens(uint maxTokens, string field) =>
        maxTokens > options.MaxAnswerTokens
            ? LiveStatuses.Invalid(field, $"must be at most {options.MaxAnswerTokens}, got {maxTokens}")
            : Status.DefaultSuccess;
}
