namespace FastAV.Live.Engine.Pruning;

/// <summary>Keeps the media tokens the encoder's [CLS] row attends to most (or, without [CLS], the mean received attention).</summary>
public sealed class FasterVlmPolicy : IPruningPolicy
{
    private readonly FasterVlmOptions _options;

    public FasterVlmPolicy(FasterVlmOptions? options = null)
    {
        _options = options ?? new FasterVlmOptions();
        _ = KeepCount.FromRatio(_options.KeepRatio, 0);
    }

    public string Name => "fastervlm";

    public PruningStage Stage => PruningStage.BeforeLlm;

    public int? Layer => null;

    public int[] SelectKept(PruningContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var scores = context.RequirePerToken(context.EncoderAttention, nameof(PruningContext.EncoderAttention), Name);
        return TokenRanking.KeepHighest(context, scores, KeepCount.FromRatio(_options.KeepRatio, context.MediaCount));
    }

    /// <summary>For encoders without [CLS]: attention each key receives, averaged over queries. map is [n, n] (queries × keys).</summary>
    public static float[] MeanReceivedAttention(ReadOnlySpan<float> map, int tokens)
    {
        if (tokens <= 0) throw new ArgumentOutOfRangeException(nameof(tokens), tokens, "must be positive");
        if (map.Length != (long)tokens * tokens)
        {
            throw new ArgumentException($"attention map has {map.Length} values, expected {tokens} × {tokens}", nameof(map));
        }

        var mean = new float[tokens];
        for (var q = 0; q < tokens; q++)
        {
            for (var k = 0; k < tokens; k++) mean[k] += map[q * tokens + k];
        }

        for (var k = 0; k < tokens; k++) mean[k] /= tokens;
        return mean;
    }
}
