namespace FastAV.Live.Engine.Pruning;

/// <summary>
/// Pivots are the media tokens with the largest key L1 norm; every other media token is scored by its highest
/// cosine similarity to a pivot, and the least similar ones (the non-duplicates) fill the budget after the pivots.
/// </summary>
public sealed class DartPolicy : IPruningPolicy
{
    private readonly DartOptions _options;

    public DartPolicy(DartOptions? options = null)
    {
        _options = options ?? new DartOptions();
        _ = KeepCount.FromRatio(_options.KeepRatio, 0);
        if (_options.PivotCount < 1) throw new ArgumentOutOfRangeException(nameof(options), _options.PivotCount, "PivotCount must be at least 1");
    }

    public string Name => "dart";

    public PruningStage Stage => PruningStage.AtLayer;

    public int? Layer => _options.Layer;

    public int[] SelectKept(PruningContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var dim = context.KeyDim;
        var keys = context.RequireRows(context.Keys, dim, context.TokenCount, nameof(PruningContext.Keys), Name);
        var keep = KeepCount.FromRatio(_options.KeepRatio, context.MediaCount);

        var media = new List<int>();
        for (var i = 0; i < context.TokenCount; i++)
        {
            if (context.IsPrunable(i)) media.Add(i);
        }

        var l1 = new float[context.TokenCount];
        foreach (var i in media)
        {
            double sum = 0;
            foreach (var v in keys.AsSpan(i * dim, dim)) sum += Math.Abs(v);
            l1[i] = (float)sum;
        }

        var byNorm = media.OrderByDescending(i => l1[i]).ThenBy(i => i).ToList();
        var pivots = byNorm.Take(Math.Min(_options.PivotCount, keep)).ToList();
        var chosen = new HashSet<int>(pivots);

        var duplication = new Dictionary<int, float>();
        foreach (var i in media)
        {
            if (chosen.Contains(i)) continue;
            var worst = float.NegativeInfinity;
            foreach (var p in pivots)
            {
                worst = Math.Max(worst, TokenRanking.Cosine(keys.AsSpan(i * dim, dim), keys.AsSpan(p * dim, dim)));
            }

            duplication[i] = worst;
        }

        foreach (var i in duplication.OrderBy(kv => kv.Value).ThenBy(kv => kv.Key).Take(keep - chosen.Count))
        {
            chosen.Add(i.Key);
        }

        return TokenRanking.WithAlwaysKept(context, chosen);
    }
}
