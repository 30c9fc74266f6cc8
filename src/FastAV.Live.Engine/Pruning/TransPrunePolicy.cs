namespace FastAV.Live.Engine.Pruning;

/// <summary>Keeps the media tokens whose representations moved most (highest accumulated TTV).</summary>
public sealed class TransPrunePolicy : IPruningPolicy
{
    private readonly TransPruneOptions _options;

    public TransPrunePolicy(TransPruneOptions? options = null)
    {
        _options = options ?? new TransPruneOptions();
        _ = KeepCount.FromRatio(_options.KeepRatio, 0);
    }

    public string Name => "transprune";

    public PruningStage Stage => PruningStage.AtLayer;

    public int? Layer => _options.Layer;

    public int[] SelectKept(PruningContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var scores = context.RequirePerToken(context.TransitionScores, nameof(PruningContext.TransitionScores), Name);
        return TokenRanking.KeepHighest(context, scores, KeepCount.FromRatio(_options.KeepRatio, context.MediaCount));
    }
}
