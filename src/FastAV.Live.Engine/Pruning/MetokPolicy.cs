namespace FastAV.Live.Engine.Pruning;

/// <summary>
/// Event-aware budgets: every event keeps its share, so a short burst of new content is not crowded out by a long
/// static scene. Within an event, tokens rank by last-query attention when given, otherwise the earliest are kept
/// (the first frames of an event carry what changed). Media tokens of no frame (audio) form one extra pool.
/// </summary>
public sealed class MetokPolicy : IPruningPolicy
{
    private readonly MetokOptions _options;

    public MetokPolicy(MetokOptions? options = null)
    {
        _options = options ?? new MetokOptions();
        _ = KeepCount.FromRatio(_options.KeepRatio, 0);
        if (_options.EventCount < 1) throw new ArgumentOutOfRangeException(nameof(options), _options.EventCount, "EventCount must be at least 1");
    }

    public string Name => "metok";

    public PruningStage Stage => PruningStage.BeforeLlm;

    public int? Layer => _options.Layer;

    /// <summary>First frame of each event, ascending, starting at 0. frameFeatures is [frames, dim].</summary>
    public static int[] FindEventStarts(ReadOnlySpan<float> frameFeatures, int dim, int eventCount)
    {
        if (dim <= 0) throw new ArgumentOutOfRangeException(nameof(dim), dim, "must be positive");
        if (frameFeatures.Length % dim != 0) throw new ArgumentException($"{frameFeatures.Length} values are not whole rows of {dim}", nameof(frameFeatures));
        if (eventCount < 1) throw new ArgumentOutOfRangeException(nameof(eventCount), eventCount, "must be at least 1");
        var frames = frameFeatures.Length / dim;
        if (frames == 0) return [];

        var similarity = new (float Cos, int Next)[frames - 1];
        for (var f = 0; f + 1 < frames; f++)
        {
            similarity[f] = (TokenRanking.Cosine(frameFeatures.Slice(f * dim, dim), frameFeatures.Slice((f + 1) * dim, dim)), f + 1);
        }

        var starts = similarity.OrderBy(s => s.Cos).ThenBy(s => s.Next).Take(eventCount - 1).Select(s => s.Next).ToList();
        starts.Add(0);
        starts.Sort();
        return starts.ToArray();
    }

    public int[] SelectKept(PruningContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var frameOf = context.FrameOfToken ?? throw new ArgumentException($"{Name} needs FrameOfToken", nameof(context));
        if (frameOf.Length != context.TokenCount) throw new ArgumentException($"FrameOfToken has {frameOf.Length} entries for {context.TokenCount} tokens", nameof(context));
        var features = context.FrameFeatures ?? throw new ArgumentException($"{Name} needs FrameFeatures", nameof(context));
        var starts = FindEventStarts(features, context.FrameFeatureDim, _options.EventCount);
        var frames = features.Length / context.FrameFeatureDim;
        var attention = context.QueryAttention is null ? null : context.RequirePerToken(context.QueryAttention, nameof(PruningContext.QueryAttention), Name);

        var pools = new Dictionary<int, List<int>>();
        for (var i = 0; i < context.TokenCount; i++)
        {
            if (!context.IsPrunable(i)) continue;
            var frame = frameOf[i];
            if (frame >= frames) throw new ArgumentException($"token {i} names frame {frame}; there are {frames}", nameof(context));
            var pool = frame < 0 ? -1 : Array.BinarySearch(starts, frame) is var at && at >= 0 ? at : ~at - 1;
            if (!pools.TryGetValue(pool, out var members)) pools[pool] = members = [];
            members.Add(i);
        }

        var chosen = new HashSet<int>();
        foreach (var members in pools.Values)
        {
            var budget = Math.Max(1, KeepCount.FromRatio(_options.KeepRatio, members.Count));
            var ranked = attention is null ? members : members.OrderByDescending(i => attention[i]).ThenBy(i => i).ToList();
            foreach (var i in ranked.Take(budget)) chosen.Add(i);
        }

        return TokenRanking.WithAlwaysKept(context, chosen);
    }
}
