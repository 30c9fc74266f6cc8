namespace FastAV.Live.Engine.Running;

/// <summary>
/// A question prefilled on top of a stream's cache and its answer so far. While it exists the stream's KV tensors
/// hold the question and answer rows; ModelRunner.EndAnswer truncates them away.
/// </summary>
public sealed class AnswerInProgress
{
    private readonly List<long> _tokens = [];
    private readonly List<float> _probabilities = [];

    internal AnswerInProgress(StreamKv stream, int[] mark, int[] bases, long[] questionIds, int maxNewTokens, long? endOfSequence)
    {
        Stream = stream;
        Mark = mark;
        Bases = bases;
        QuestionIds = questionIds;
        MaxNewTokens = maxNewTokens;
        EndOfSequence = endOfSequence;
    }

    public StreamKv Stream { get; }

    public int QuestionLength => QuestionIds.Length;

    public int MaxNewTokens { get; }

    public long? EndOfSequence { get; }

    public IReadOnlyList<long> Tokens => _tokens;

    /// <summary>The probability the model gave each chosen token (softmax of its logits), [Tokens.Count].</summary>
    public IReadOnlyList<float> TokenProbabilities => _probabilities;

    /// <summary>The answer hit end-of-sequence or its length limit.</summary>
    public bool IsFinished => _tokens.Count >= MaxNewTokens || (_tokens.Count > 0 && _tokens[^1] == EndOfSequence);

    public bool IsEnded { get; internal set; }

    /// <summary>The question's token ids, fed by the answer's first step.</summary>
    internal long[] QuestionIds { get; }

    /// <summary>Row counts of every layer before the question.</summary>
    internal int[] Mark { get; }

    /// <summary>First position above the cache, per layer.</summary>
    internal int[] Bases { get; }

    /// <summary>Question and answer tokens already in the KV tensors.</summary>
    internal int Offset { get; set; }

    internal void Add(long token, float probability)
    {
        _tokens.Add(token);
        _probabilities.Add(probability);
    }
}
