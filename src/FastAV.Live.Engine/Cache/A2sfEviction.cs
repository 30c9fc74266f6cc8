namespace FastAV.Live.Engine.Cache;

/// <summary>Keeps the RecentKept newest rows, then the highest accumulated scores; ties keep the older row.</summary>
public sealed class A2sfEviction : IEvictionPolicy
{
    private readonly A2sfOptions _options;

    public A2sfEviction(A2sfOptions? options = null)
    {
        _options = options ?? new A2sfOptions();
        if (!(_options.ForgettingFactor >= 0 && _options.ForgettingFactor <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(options), _options.ForgettingFactor, "ForgettingFactor must be in [0, 1]");
        }

        if (_options.RecentKept < 0) throw new ArgumentOutOfRangeException(nameof(options), _options.RecentKept, "RecentKept must not be negative");
    }

    public string Name => "a2sf";

    public float CombineScore(float running, float fresh) => _options.ForgettingFactor * running + fresh;

    public int[] SelectKept(ReadOnlySpan<CachedToken> rows, int keepCount)
    {
        var keep = Math.Clamp(keepCount, 0, rows.Length);
        var recent = Math.Min(_options.RecentKept, keep);
        var kept = new List<int>(keep);
        var scores = new float[rows.Length - recent];
        for (var i = 0; i < scores.Length; i++) scores[i] = rows[i].Score;
        kept.AddRange(Enumerable.Range(0, scores.Length)
            .OrderByDescending(i => scores[i]).ThenBy(i => i)
            .Take(keep - recent));
        kept.Sort();
        for (var i = rows.Length - recent; i < rows.Length; i++) kept.Add(i);
        return kept.ToArray();
    }
}
