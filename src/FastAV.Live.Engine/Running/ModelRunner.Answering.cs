using System.Runtime.ExceptionServices;
using FastAV.Live.Torch;

namespace FastAV.Live.Engine.Running;

/// <summary>Answers: a question prefilled over the stream's cache, greedy decode step by step, then the rows truncated away.</summary>
public sealed partial class ModelRunner
{
    /// <summary>Prefills the question over the cache, decodes greedily until endOfSequence or maxNewTokens, then rolls back.</summary>
    public AnswerResult Answer(StreamKv stream, ReadOnlySpan<long> questionIds, int? maxNewTokens = null, long? endOfSequence = null)
    {
        var answer = BeginAnswer(stream, questionIds, maxNewTokens, endOfSequence);
        try
        {
            while (!answer.IsFinished) DecodeStep(answer);
        }
        catch
        {
            EndAnswer(answer);
            throw;
        }

        return EndAnswer(answer);
    }

    /// <summary>Prefills the question on top of the stream's cache and yields the answer's first token (greedy).</summary>
    public AnswerInProgress BeginAnswer(StreamKv stream, ReadOnlySpan<long> questionIds, int? maxNewTokens = null, long? endOfSequence = null)
    {
        var answer = StartAnswer(stream, questionIds, maxNewTokens, endOfSequence);
        try
        {
            Feed(answer);
        }
        catch
        {
            EndAnswer(answer);
            throw;
        }

        return answer;
    }

    /// <summary>Claims the stream's cache for a question without running it: its first <see cref="AnswerStep"/> in a
    /// batch prefills the question and yields the first token.</summary>
    public AnswerInProgress StartAnswer(StreamKv stream, ReadOnlySpan<long> questionIds, int? maxNewTokens = null, long? endOfSequence = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var limit = maxNewTokens ?? _options.MaxNewTokens;
        if (limit < 1) throw new ArgumentOutOfRangeException(nameof(maxNewTokens), limit, "must be at least 1");
        if (questionIds.IsEmpty) throw new ArgumentException("a question needs tokens", nameof(questionIds));
        if (stream.ActiveAnswer is not null) throw new InvalidOperationException("the stream is already answering a question");
        foreach (var id in questionIds)
        {
            if (id < 0 || id >= _model.Config.VocabSize) throw new ArgumentOutOfRangeException(nameof(questionIds), id, $"token id outside the vocabulary (size {_model.Config.VocabSize})");
        }

        var bases = Enumerable.Range(0, LayerCount).Select(l => stream.Cache.Layer(l).NextPosition).ToArray();
        var room = stream.Cache.MaxPositions - bases.Max();
        if (questionIds.Length + limit > room)
        {
            throw new ArgumentOutOfRangeException(nameof(questionIds), questionIds.Length, $"question and answer need {questionIds.Length + limit} positions; {room} are left above the cache");
        }

        var answer = new AnswerInProgress(stream, stream.Tensors.Counts(), bases, questionIds.ToArray(), limit, endOfSequence);
        stream.ActiveAnswer = answer;
        return answer;
    }

    /// <summary>Feeds the last answer token and yields the next one.</summary>
    public long DecodeStep(AnswerInProgress answer)
    {
        ArgumentNullException.ThrowIfNull(answer);
        Feed(answer);
        return answer.Tokens[^1];
    }

    /// <summary>Rolls the stream's cache back to before the question (idempotent) and reports the answer's cost.</summary>
    public AnswerResult EndAnswer(AnswerInProgress answer)
    {
        ArgumentNullException.ThrowIfNull(answer);
        var stream = answer.Stream;
        if (!answer.IsEnded)
        {
            stream.Tensors.Truncate(answer.Mark);
            answer.IsEnded = true;
            if (ReferenceEquals(stream.ActiveAnswer, answer)) stream.ActiveAnswer = null;
        }

        var counts = answer.Mark;
        var questionLength = answer.QuestionLength;
        var afterQuestion = counts.Select(c => c + questionLength).ToArray();
        return new AnswerResult
        {
            Tokens = answer.Tokens.ToArray(),
            TokenProbabilities = answer.TokenProbabilities.ToArray(),
            QuestionFlops = _flops.Prefill(Enumerable.Repeat(questionLength, LayerCount).ToArray(), counts),
            DecodeFlops = _flops.Decode(Math.Max(0, answer.Tokens.Count - 1), afterQuestion, afterQuestion.Max()),
        };
    }

    // Runs the answer's next tokens alone (a batch of one); the greedy next token joins the answer.
    private void Feed(AnswerInProgress answer)
    {
        using var scope = new TensorScope();
        var run = StartFeed(answer);
        Lockstep.Run([run]);
        if (run.Failure is { } failure) ExceptionDispatchInfo.Throw(failure);
    }
}
