namespace FastAV.Live.Engine.Pruning;

/// <summary>
/// Greedy max–min diversity with distance 1 − cos: start from the token farthest from its nearest neighbour,
/// then repeatedly add the token whose nearest selected token is farthest. Ties go to the earlier token.
/// </summary>
public sealed class DivPrunePolicy : IPruningPolicy
{
    private readonly DivPruneOptions _options;

    public DivPrunePolicy(DivPruneOptions? options = null)
    {
        _options = options ?? new DivPruneOptions();
        _ = KeepCount.FromRatio(_options.KeepRatio, 0);
    }

    public string Name => "divprune";

    public PruningStage Stage => PruningStage.BeforeLlm;

    public int? Layer => null;

    public int[] SelectKept(PruningContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var dim = context.FeatureDim;
        var features = context.RequireRows(context.Features, dim, context.TokenCount, nameof(PruningContext.Features), Name);
        var media = Enumerable.Range(0, context.TokenCount).Where(context.IsPrunable).ToArray();
        var keep = KeepCount.FromRatio(_options.KeepRatio, media.Length);
        var chosen = new HashSet<int>();
        if (keep == 0) return TokenRanking.WithAlwaysKept(context, chosen);

        float Distance(int a, int b) =>
            1f - TokenRanking.Cosine(features.AsSpan(a * dim, dim), features.AsSpan(b * dim, dim));

        // nearest[i]: distance from media[i] to its closest selected token (or, for the seed, to any other token).
        var nearest = new float[media.Length];
        Array.Fill(nearest, float.PositiveInfinity);
        for (var i = 0; i < media.Length; i++)
        {
            for (var j = 0; j < media.Length; j++)
            {
                if (i != j) nearest[i] = Math.Min(nearest[i], Distance(media[i], media[j]));
            }
        }

        var taken = new bool[media.Length];
        var next = ArgMax(nearest, taken);
        Array.Fill(nearest, float.PositiveInfinity);
        while (next >= 0 && chosen.Count < keep)
        {
            taken[next] = true;
            chosen.Add(media[next]);
            for (var i = 0; i < media.Length; i++)
            {
                if (!taken[i]) nearest[i] = Math.Min(nearest[i], Distance(media[i], media[next]));
            }

            next = ArgMax(nearest, taken);
        }

        return TokenRanking.WithAlwaysKept(context, chosen);
    }

    private static int ArgMax(float[] values, bool[] taken)
    {
        var best = -1;
        for (var i = 0; i < values.Length; i++)
        {
            if (!taken[i] && (best < 0 || values[i] > values[best])) best = i;
        }

        return best;
    }
}
