namespace FastAV.Live.Engine.Pruning;

/// <summary>Keeps a uniformly random subset of the media tokens, reproducible from the seed (one generator per call).</summary>
public sealed class RandomPolicy : IPruningPolicy
{
    private readonly RandomOptions _options;

    public RandomPolicy(RandomOptions? options = null)
    {
        _options = options ?? new RandomOptions();
        _ = KeepCount.FromRatio(_options.KeepRatio, 0);
    }

    public string Name => "random";

    public PruningStage Stage => PruningStage.AtLayer;

    public int? Layer => _options.Layer;

    public int[] SelectKept(PruningContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var media = new List<int>();
        for (var i = 0; i < context.TokenCount; i++)
        {
            if (context.IsPrunable(i)) media.Add(i);
        }

        // Partial Fisher–Yates: the first k slots become a uniform sample without replacement.
        var random = new Random(_options.Seed);
        var keep = KeepCount.FromRatio(_options.KeepRatio, media.Count);
        for (var i = 0; i < keep; i++)
        {
            var j = random.Next(i, media.Count);
            (media[i], media[j]) = (media[j], media[i]);
        }

        return TokenRanking.WithAlwaysKept(context, new HashSet<int>(media.Take(keep)));
    }
}
