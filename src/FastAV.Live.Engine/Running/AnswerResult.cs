using FastAV.Live.Engine.Flops;

namespace FastAV.Live.Engine.Running;

/// <summary>A decoded answer and its cost. The stream's cache is as it was before the question.</summary>
public sealed record AnswerResult
{
    public required long[] Tokens { get; init; }

    /// <summary>The probability the model gave each chosen token (greedy: softmax of the logits at the chosen id), [Tokens.Length].</summary>
    public float[] TokenProbabilities { get; init; } = [];

    /// <summary>Prefill of the question over the cache.</summary>
    public required FlopsReport QuestionFlops { get; init; }

    /// <summary>Decode of the answer tokens after the first.</summary>
    public required FlopsReport DecodeFlops { get; init; }
}
