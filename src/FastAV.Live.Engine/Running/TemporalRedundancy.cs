using FastAV.Live.Torch;

namespace FastAV.Live.Engine.Running;

/// <summary>What InfiniPot-V's eviction reads as a token's redundancy, measured at prefill from the window's embeddings.</summary>
internal static class TemporalRedundancy
{
    /// <summary>
    /// InfiniPot-V's temporal redundancy of each video token: cosine similarity of its embedding to the same spatial
    /// token (same rank within its frame) of the previous frame — in this window, or the stream's last frame before it.
    /// Other tokens get 0. The last frame is kept for the next window.
    /// </summary>
    public static float[] Measure(StreamKv stream, Tensor embeddings, int[]? frameOfToken, int n)
    {
        var redundancy = new float[n];
        if (frameOfToken is null) return redundancy;
        var hidden = (int)embeddings.Size(1);
        var values = embeddings.ToArray<float>();
        var frames = frameOfToken.Take(n).Select((f, i) => (Frame: f, Token: i)).Where(t => t.Frame >= 0)
            .GroupBy(t => t.Frame).OrderBy(g => g.Key).Select(g => g.Select(t => t.Token).ToArray());
        var previous = stream.PreviousFrame;
        foreach (var tokens in frames)
        {
            var current = tokens.Select(i => values.AsSpan(i * hidden, hidden).ToArray()).ToArray();
            if (previous is not null && previous.Length == current.Length)
            {
                for (var k = 0; k < tokens.Length; k++) redundancy[tokens[k]] = Cosine(previous[k], current[k]);
            }

            previous = current;
        }

        stream.PreviousFrame = previous;
        return redundancy;
    }

    private static float Cosine(float[] a, float[] b)
    {
        double dot = 0, na = 0, nb = 0;
        for (var i = 0; i < a.Length; i++)
        {
            dot += (double)a[i] * b[i];
            na += (double)a[i] * a[i];
            nb += (double)b[i] * b[i];
        }

        return na == 0 || nb == 0 ? 0 : (float)(dot / Math.Sqrt(na * nb));
    }
}
