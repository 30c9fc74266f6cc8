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
        ArgumentNullException.ThrowIfNull(stream);
        var limit = maxNewTokens ?? _options.MaxNewTokens;
        if (limit < 1) throw new ArgumentOutOfRangeException(nameof(maxNewTokens), limit, "must be at least 1");
        if (questionIds.IsEmpty) throw new ArgumentException("a question needs tokens", nameof(questionIds));
        if (stream.ActiveAnswer is not null) throw new InvalidOperationException("the stream is already answering a question");
        var bases = Enumerable.Range(0, LayerCount).Select(l => stream.Cache.Layer(l).NextPosition).ToArray();
        var room = stream.Cache.MaxPositions - bases.Max();
        if (questionIds.Length + limit > room)
        {
            throw new ArgumentOutOfRangeException(nameof(questionIds), questionIds.Length, $"question and answer need {questionIds.Length + limit} positions; {room} are left above the cache");
        }

        var answer = new AnswerInProgress(stream, stream.Tensors.Counts(), bases, questionIds.Length, limit, endOfSequence);
        stream.ActiveAnswer = answer;
        try
        {
            answer.Add(Feed(answer, questionIds.ToArray()));
        }
        catch
        {
            EndAnswer(answer);
            throw;
        }

        return answer;
    }

    /// <summary>Feeds the last answer token and yields the next one.</summary>
    public long DecodeStep(AnswerInProgress answer)
    {
        ArgumentNullException.ThrowIfNull(answer);
        if (answer.IsEnded) throw new InvalidOperationException("the answer was ended");
        if (answer.IsFinished) throw new InvalidOperationException("the answer is complete");
        var next = Feed(answer, [answer.Tokens[^1]]);
        answer.Add(next);
        return next;
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
            QuestionFlops = _flops.Prefill(Enumerable.Repeat(questionLength, LayerCount).ToArray(), counts),
            DecodeFlops = _flops.Decode(Math.Max(0, answer.Tokens.Count - 1), afterQuestion, afterQuestion.Max()),
        };
    }

    // Runs ids through every layer above what the answer has fed so far; returns the greedy next token.
    private long Feed(AnswerInProgress answer, long[] ids)
    {
        var kv = answer.Stream.Tensors;
        using var scope = new TensorScope();
        var h = _model.Embed(ids);
        for (var l = 0; l < LayerCount; l++)
        {
            var first = answer.Bases[l] + answer.Offset;
            var positions = Enumerable.Range(0, ids.Length).Select(i => (long)(first + i)).ToArray();
            h = _model.RunLayers(h, positions, kv, l, l + 1);
        }

        answer.Offset += ids.Length;
        return _model.Logits(h.Narrow(0, h.Size(0) - 1, 1)).ArgMax().Item<long>();
    }
}
