namespace FastAV.Live.Engine.Cache;

/// <summary>Two passes: the least redundant rows (temporal-axis redundancy) take their share, then the highest ‖V‖ fill the rest.</summary>
public sealed class InfiniPotVEviction : IEvictionPolicy
{
    private readonly InfiniPotVOptions _options;

    public InfiniPotVEviction(InfiniPotVOptions? options = null)
    {
        _options = options ?? new InfiniPotVOptions();
        if (!(_options.RedundancyShare >= 0 && _options.RedundancyShare <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(options), _options.RedundancyShare, "RedundancyShare must be in [0, 1]");
        }
    }

    public string Name => "infinipot-v";

    public float CombineScore(float running, float fresh) => running + fresh;

    public int[] SelectKept(ReadOnlySpan<CachedToken> rows, int keepCount)
    {
        var keep = Math.Clamp(keepCount, 0, rows.Length);
        var copy = rows.ToArray();
        var byNovelty = (int)Math.Round(_options.RedundancyShare * keep, MidpointRounding.AwayFromZero);
        var kept = Enumerable.Range(0, copy.Length)
            .OrderBy(i => copy[i].Redundancy).ThenBy(i => i)
            .Take(byNovelty)
            .ToHashSet();
        foreach (var i in Enumerable.Range(0, copy.Length).Where(i => !kept.Contains(i))
                     .OrderByDescending(i => copy[i].ValueNorm).ThenBy(i => i).Take(keep - kept.Count).ToList())
        {
            kept.Add(i);
        }

        return kept.Order().ToArray();
    }
}
