namespace FastAV.Live.Engine.Pruning;

/// <summary>FastAV's global cut: attention rollout (offline) says later tokens matter little, so keep the earliest media tokens.</summary>
public sealed class KeepFirstPolicy : IPruningPolicy
{
    private readonly KeepFirstOptions _options;

    public KeepFirstPolicy(KeepFirstOptions? options = null)
    {
        _options = options ?? new KeepFirstOptions();
        if (_options.MediaTokensKept < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), _options.MediaTokensKept, "MediaTokensKept must not be negative");
        }
    }

    public string Name => "keep-first";

    public PruningStage Stage => PruningStage.AtLayer;

    public int? Layer => _options.Layer;

    public int[] SelectKept(PruningContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var chosen = new HashSet<int>();
        for (var i = 0; i < context.TokenCount && chosen.Count < _options.MediaTokensKept; i++)
        {
            if (context.IsPrunable(i)) chosen.Add(i);
        }

        return TokenRanking.WithAlwaysKept(context, chosen);
    }
}
