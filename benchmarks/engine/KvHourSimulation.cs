using FastAV.Live.Engine;
using FastAV.Live.Engine.Cache;
using FastAV.Live.Engine.Flops;
using FastAV.Live.Engine.Pruning;

namespace FastAV.Live.Engine.Benchmarks;

/// <summary>
/// One stream for an hour of 1 s windows with Qwen2-7B KV geometry (bf16), cache bookkeeping only: how many KV bytes
/// each configuration holds over time. Attention-derived inputs (scores, norms, redundancy) are seeded random.
/// </summary>
internal sealed class KvHourSimulation
{
    public const int VideoTokens = 84;
    public const int AudioTokens = 50;
    public const int WindowTokens = VideoTokens + AudioTokens + 1; // ≈ 135 tokens/s, VideoLLaMA2.1-AV's rate
    public const int PromptTokens = 32;

    private static readonly DecoderGeometry Geometry = DecoderGeometry.Qwen2_7B;

    public static long BytesPerTokenPerLayer => Geometry.KvBytesPerTokenPerLayer(2);

    /// <summary>KV bytes after each sampled window, and the FLOPs ratio of one window's prefill.</summary>
    public sealed record Series(string Name, IReadOnlyList<(double Minutes, long Bytes)> Samples, double WindowFlopsRatio, double Seconds);

    public static int[] Schedule(bool pruned, TokenKind[] kinds, Random random)
    {
        var all = Enumerable.Range(0, kinds.Length).ToArray();
        var perLayer = new int[Geometry.LayerCount];
        if (!pruned)
        {
            Array.Fill(perLayer, kinds.Length);
            return perLayer;
        }

        // keep-first 50 of 134 media (≈ 750 of 2,000) at K = 14, then 20% per later layer.
        var global = new KeepFirstPolicy(new KeepFirstOptions { MediaTokensKept = 50 });
        var fine = new FinePruner();
        var alive = all;
        for (var l = 0; l < perLayer.Length; l++)
        {
            if (l == 14) alive = global.SelectKept(new PruningContext { Kinds = kinds }).Select(i => alive[i]).ToArray();
            else if (l > 14)
            {
                var scores = alive.Select(_ => (float)random.NextDouble()).ToArray();
                alive = fine.SelectKept(scores, alive.Select(i => kinds[i]).ToArray()).Select(j => alive[j]).ToArray();
            }

            perLayer[l] = alive.Length;
        }

        return perLayer;
    }

    public static Series Run(string name, bool pruned, IEvictionPolicy? eviction, int maxTokensPerLayer, int minutes, int sampleEverySeconds)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        var random = new Random(1);
        var kinds = Enumerable.Repeat(TokenKind.Video, VideoTokens).Concat(Enumerable.Repeat(TokenKind.Audio, AudioTokens)).Append(TokenKind.Separator).ToArray();
        var windows = minutes * 60;
        var samples = new List<(double, long)>();
        var flops = new FlopsCounter(Geometry);
        var windowRatio = flops.Prefill(Schedule(pruned, kinds, new Random(2))).Ratio;

        if (eviction is null)
        {
            // No eviction: the cache only grows; count it without keeping rows.
            long rows = (long)PromptTokens * Geometry.LayerCount;
            for (var w = 1; w <= windows; w++)
            {
                rows += Schedule(pruned, kinds, random).Sum();
                if (w % sampleEverySeconds == 0) samples.Add((w / 60.0, rows * BytesPerTokenPerLayer));
            }

            return new Series(name, samples, windowRatio, started.Elapsed.TotalSeconds);
        }

        var cache = new RollingKvCache(
            new RollingKvCacheOptions
            {
                LayerCount = Geometry.LayerCount,
                BytesPerTokenPerLayer = BytesPerTokenPerLayer,
                Budget = new KvBudget { MaxTokens = maxTokensPerLayer },
                MaxPositions = 32768,
                MaxBlockSpan = WindowTokens,
                QuestionReserve = 512,
                EvictionHeadroom = 4 * WindowTokens,
            },
            eviction);
        for (var l = 0; l < Geometry.LayerCount; l++)
        {
            cache.Append(l, Enumerable.Range(0, PromptTokens).Select(i => new CachedToken { TimelineIndex = i, Kind = TokenKind.Prompt, Position = i }).ToArray());
        }

        long timeline = PromptTokens;
        for (var w = 1; w <= windows; w++)
        {
            var schedule = Schedule(pruned, kinds, random);
            for (var l = 0; l < Geometry.LayerCount; l++)
            {
                var fresh = new float[cache.Layer(l).Count];
                for (var i = 0; i < fresh.Length; i++) fresh[i] = (float)random.NextDouble() / fresh.Length;
                cache.UpdateScores(l, fresh);
            }

            cache.MakeRoom(schedule, WindowTokens);
            for (var l = 0; l < Geometry.LayerCount; l++)
            {
                var rows = new CachedToken[schedule[l]];
                for (var j = 0; j < rows.Length; j++)
                {
                    rows[j] = new CachedToken
                    {
                        TimelineIndex = timeline + j,
                        Kind = kinds[Math.Min(j, kinds.Length - 1)],
                        Window = w,
                        MediaTime = w,
                        Position = j,
                        Score = (float)random.NextDouble() / WindowTokens,
                        ValueKeyRatio = (float)random.NextDouble(),
                        ValueNorm = (float)random.NextDouble(),
                        Redundancy = (float)random.NextDouble(),
                    };
                }

                cache.Append(l, rows);
            }

            timeline += WindowTokens;
            if (w % sampleEverySeconds == 0) samples.Add((w / 60.0, cache.TotalBytes));
        }

        return new Series(name, samples, windowRatio, started.Elapsed.TotalSeconds);
    }
}
