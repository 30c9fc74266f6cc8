namespace FastAV.Live.Engine.Pruning;

/// <summary>
/// Drops floor(P · media) media tokens with the lowest last-query attention at one layer; prompt text, separators,
/// questions and the last token always stay. Multiplicative across layers: each layer prunes what the previous kept.
/// </summary>
public sealed class FinePruner : IPruningPolicy
{
    private readonly FinePrunerOptions _options;

    public FinePruner(FinePrunerOptions? options = null)
    {
        _options = options ?? new FinePrunerOptions();
        if (!(_options.DropRatio >= 0 && _options.DropRatio < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(options), _options.DropRatio, "DropRatio must be in [0, 1)");
        }
    }

    public string Name => "fine";

    public PruningStage Stage => PruningStage.AtLayer;

    /// <summary>Runs at every layer after K, so it names none.</summary>
    public int? Layer => null;

    public FinePrunerOptions Options => _options;

    /// <summary>Media tokens dropped out of mediaCount.</summary>
    public int DropCount(int mediaCount) => (int)Math.Floor(_options.DropRatio * mediaCount);

    public int[] SelectKept(PruningContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var scores = context.RequirePerToken(context.QueryAttention, nameof(PruningContext.QueryAttention), Name);
        var media = context.MediaCount;
        return TokenRanking.KeepHighest(context, scores, media - DropCount(media));
    }

    /// <summary>The same selection straight from a score row and kinds.</summary>
    public int[] SelectKept(float[] lastQueryAttention, TokenKind[] kinds) =>
        SelectKept(new PruningContext { Kinds = kinds, QueryAttention = lastQueryAttention });
}
