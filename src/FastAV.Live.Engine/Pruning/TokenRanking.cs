namespace FastAV.Live.Engine.Pruning;

/// <summary>Top-k selection over media tokens with the always-kept ones added. Ties go to the earlier token.</summary>
internal static class TokenRanking
{
    /// <summary>Keeps every non-prunable token plus the keepCount prunable tokens with the highest scores.</summary>
    public static int[] KeepHighest(PruningContext context, ReadOnlySpan<float> scores, int keepCount)
    {
        var candidates = new List<int>();
        for (var i = 0; i < context.TokenCount; i++)
        {
            if (context.IsPrunable(i)) candidates.Add(i);
        }

        var ordered = scores.ToArray();
        foreach (var i in candidates)
        {
            if (float.IsNaN(ordered[i])) throw new ArgumentException($"score of token {i} is NaN", nameof(scores));
        }

        candidates.Sort((a, b) =>
        {
            var byScore = ordered[b].CompareTo(ordered[a]);
            return byScore != 0 ? byScore : a.CompareTo(b);
        });
        var chosen = new HashSet<int>(candidates.Take(Math.Clamp(keepCount, 0, candidates.Count)));
        return WithAlwaysKept(context, chosen);
    }

    /// <summary>The ascending union of the chosen media tokens and every token that is not prunable.</summary>
    public static int[] WithAlwaysKept(PruningContext context, IReadOnlySet<int> chosenMedia)
    {
        var kept = new List<int>(chosenMedia.Count + 8);
        for (var i = 0; i < context.TokenCount; i++)
        {
            if (!context.IsPrunable(i) || chosenMedia.Contains(i)) kept.Add(i);
        }

        return kept.ToArray();
    }

    /// <summary>Cosine similarity of two rows; 0 when either is all zeros.</summary>
    public static float Cosine(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double dot = 0, na = 0, nb = 0;
        for (var i = 0; i < a.Length; i++)
        {
            dot += (double)a[i] * b[i];
            na += (double)a[i] * a[i];
            nb += (double)b[i] * b[i];
        }

        return na == 0 || nb == 0 ? 0f : (float)(dot / Math.Sqrt(na * nb));
    }
}
