using FastAV.Live.Contracts.V1;
using Grpc.Core;
using FastAV.Live.Server.Inference;

namespace FastAV.Live.Server.Streams;

/// <summary>Questions on the Stream call: ad-hoc ones (a failed Answer when they cannot be asked), standing ones and their cancellation.</summary>
public sealed partial class StreamProtocol
{
    private Status HandleQuestion(LiveStream stream, Question question, long index, ICollection<StreamResponse> output)
    {
        stream.Counters.AddQuestion();
        var status = _questions.Validate(question, "StreamRequest.question", idRequired: true);
        if (!status.IsOk())
        {
            // A malformed question must not end the camera's ingest: it gets a failed Answer (under its id when the id is valid).
            var id = _questions.CheckId(question.QuestionId, "", idRequired: true).IsOk() ? question.QuestionId : "";
            stream.Counters.AddAnswer();
            Reject(stream, id, status, index, output);
            return Status.DefaultSuccess;
        }

        if (_inference is null)
        {
            return LiveStatuses.NoModelLoaded;
        }

        var dropped = _inference.Ask(question, (int)(question.MaxTokens == 0 ? (uint)options.DefaultAnswerTokens : question.MaxTokens), new CallQuestionSink(stream.Route!, question.QuestionId));
        Ingested(stream, corrupt: false, "", dropped, 0, index, output);
        return Status.DefaultSuccess;
    }

    // A failed Answer for the question and a warning: QUESTION_REJECTED when it could not be asked, ANSWER_FAILED when the engine failed on it.
    private void Reject(LiveStream stream, string questionId, Status status, long index, ICollection<StreamResponse> output)
    {
        output.Add(new StreamResponse { Answer = FailedAnswer(questionId, status) });
        var (code, message) = RejectionWarning(questionId, status);
        Warn(stream, code, message, 0, index, output);
    }

    private static (WarningCode Code, string Message) RejectionWarning(string questionId, Status status)
    {
        var rejected = status.StatusCode is StatusCode.InvalidArgument or StatusCode.FailedPrecondition;
        return (rejected ? WarningCode.QuestionRejected : WarningCode.AnswerFailed,
            $"question {IdentifierRules.Quote(questionId)} {(rejected ? "not asked" : "not answered")}: {status.StatusCode}: {status.Detail}");
    }

    private static Answer FailedAnswer(string questionId, Status status) => new()
    {
        QuestionId = questionId,
        FinishReason = FinishReason.Failed,
        Failure = new AnswerFailure { Code = (uint)status.StatusCode, Message = status.Detail },
    };

    /// <summary>
    /// A question asked on the call itself: its answer is a StreamResponse, its failure a failed Answer and a warning —
    /// through the stream's route, so an answer that comes while the stream is detached waits for its resume.
    /// </summary>
    private sealed class CallQuestionSink(ResponseRoute route, string questionId) : IQuestionSink
    {
        public void Progress(string textSoFar, int tokenCount, float confidence)
        {
        }

        public void Completed(Answer answer) => route.StandingAnswer(answer);

        public void Failed(Status status)
        {
            route.StandingAnswer(FailedAnswer(questionId, status));
            var (code, message) = RejectionWarning(questionId, status);
            route.Warning(code, message, 0);
        }
    }

    // An answer produced outside Receive: counted as sent, or as dropped when the call's queue is full.
    private void Send(LiveStream stream, Answer answer)
    {
        if (Push(new StreamResponse { Answer = answer })) stream.Counters.AddAnswer();
        else stream.Counters.AddDroppedAnswer();
    }

    private Status HandleStandingQuestion(LiveStream stream, StandingQuestion question, long index, ICollection<StreamResponse> output)
    {
        const string field = "StreamRequest.standing_question";
        var status = _questions.Validate(question, field);
        if (!status.IsOk())
        {
            return status;
        }

        switch (stream.TryAddStandingQuestion(question, StandingLimit().Max))
        {
            case StandingQuestionChange.DuplicateId:
                return LiveStatuses.Invalid(field + ".question_id", $"{IdentifierRules.Quote(question.QuestionId)} is already standing");
            case StandingQuestionChange.LimitReached:
                return StandingLimitReached(stream, field);
            default:
                if (_inference is null)
                {
                    Warn(stream, WarningCode.NoModelLoaded, $"standing question {IdentifierRules.Quote(question.QuestionId)} registered but not asked: no model loaded", 0, index, output);
                }
                else
                {
                    _inference.Engine.AddStandingQuestion(question);
                }

                return Status.DefaultSuccess;
        }
    }

    private Status HandleCancel(LiveStream stream, CancelStandingQuestion cancel, long index, ICollection<StreamResponse> output)
    {
        const string field = "StreamRequest.cancel_standing_question.question_id";
        var status = _questions.CheckId(cancel.QuestionId, field, idRequired: true);
        if (!status.IsOk())
        {
            return status;
        }

        if (stream.TryRemoveStandingQuestion(cancel.QuestionId) == StandingQuestionChange.UnknownId)
        {
            Warn(stream, WarningCode.UnknownQuestion, $"{field}: {IdentifierRules.Quote(cancel.QuestionId)} is not standing", 0, index, output);
        }
        else
        {
            _inference?.Engine.CancelStandingQuestion(cancel.QuestionId);
        }

        return Status.DefaultSuccess;
    }
}
