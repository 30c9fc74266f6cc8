namespace FastAV.Live.Engine.Pruning;

/// <summary>FastV over the media span: keep the top (1 − R) by the last token's attention row at layer K − 1.</summary>
public sealed class FastVPolicy : IPruningPolicy
{
    private readonly FastVOptions _options;

    public FastVPolicy(FastVOptions? options = null)
    {
        _options = options ?? new FastVOptions();
        if (_options.Layer < 1) throw new ArgumentOutOfRangeException(nameof(options), _options.Layer, "Layer must be at least 1");
        _ = KeepCount.FromRatio(_options.DropRatio, 0);
    }

    public string Name => "fastv";

    public PruningStage Stage => PruningStage.AtLayer;

    public int? Layer => _options.Layer;

    /// <summary>The layer whose attention row is read.</summary>
    public int ScoreLayer => _options.Layer - 1;

    public int[] SelectKept(PruningContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var scores = context.RequirePerToken(context.QueryAttention, nameof(PruningContext.QueryAttention), Name);
        var media = context.MediaCount;
        return TokenRanking.KeepHighest(context, scores, media - KeepCount.FromRatio(_options.DropRatio, media));
    }
}
