namespace FastAV.Live.Engine.Pruning;

/// <summary>
/// What a policy may look at for one block of tokens. Each policy reads only the arrays it needs and
/// says clearly which one is missing. All arrays are row-major plain floats.
/// </summary>
public sealed class PruningContext
{
    /// <summary>Kind of each token, [tokens].</summary>
    public required TokenKind[] Kinds { get; init; }

    /// <summary>Attention of the last query token to each token, mean over heads, [tokens].</summary>
    public float[]? QueryAttention { get; init; }

    /// <summary>Key vectors at the pruning layer, [tokens, KeyDim].</summary>
    public float[]? Keys { get; init; }

    public int KeyDim { get; init; }

    /// <summary>Projected media embeddings before the LLM, [tokens, FeatureDim].</summary>
    public float[]? Features { get; init; }

    public int FeatureDim { get; init; }

    /// <summary>Vision-encoder attention each token receives ([CLS] row or mean over queries), [tokens].</summary>
    public float[]? EncoderAttention { get; init; }

    /// <summary>TransPrune token transition variation accumulated over layers, [tokens].</summary>
    public float[]? TransitionScores { get; init; }

    /// <summary>Frame index of each token, -1 for tokens that belong to no frame, [tokens].</summary>
    public int[]? FrameOfToken { get; init; }

    /// <summary>One pooled feature per frame, [frames, FrameFeatureDim].</summary>
    public float[]? FrameFeatures { get; init; }

    public int FrameFeatureDim { get; init; }

    public int TokenCount => Kinds.Length;

    /// <summary>Media tokens in this block.</summary>
    public int MediaCount
    {
        get
        {
            var count = 0;
            for (var i = 0; i < Kinds.Length; i++)
            {
                if (IsPrunable(i)) count++;
            }

            return count;
        }
    }

    /// <summary>Media tokens may go, except the last token, which carries the query.</summary>
    public bool IsPrunable(int index) => Kinds[index].IsMedia() && index != Kinds.Length - 1;

    internal float[] RequirePerToken(float[]? values, string name, string policy)
    {
        if (values is null) throw new ArgumentException($"{policy} needs {name}", name);
        if (values.Length != TokenCount)
        {
            throw new ArgumentException($"{name} has {values.Length} entries for {TokenCount} tokens", name);
        }

        return values;
    }

    internal float[] RequireRows(float[]? values, int dim, int rows, string name, string policy)
    {
        if (values is null) throw new ArgumentException($"{policy} needs {name}", name);
        if (dim <= 0) throw new ArgumentException($"{name} has a non-positive row width {dim}", name);
        if ((long)rows * dim != values.Length)
        {
            throw new ArgumentException($"{name} has {values.Length} values, expected {rows} × {dim}", name);
        }

        return values;
    }
}
