namespace FastAV.Live.Engine.Pruning;

/// <summary>Keeps the media tokens with the highest last-query attention at layer K.</summary>
public sealed class LowAttentivePolicy : IPruningPolicy
{
    private readonly LowAttentiveOptions _options;

    public LowAttentivePolicy(LowAttentiveOptions? options = null)
    {
        _options = options ?? new LowAttentiveOptions();
        _ = KeepCount.FromRatio(_options.KeepRatio, 0);
    }

    public string Name => "low-attentive";

    public PruningStage Stage => PruningStage.AtLayer;

    public int? Layer => _options.Layer;

    public int[] SelectKept(PruningContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var scores = context.RequirePerToken(context.QueryAttention, nameof(PruningContext.QueryAttention), Name);
        return TokenRanking.KeepHighest(context, scores, KeepCount.FromRatio(_options.KeepRatio, context.MediaCount));
    }
}
