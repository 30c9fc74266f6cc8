using FastAV.Live.Engine.Cache;
using FastAV.Live.Engine.Pruning;

namespace FastAV.Live.Engine.Tests.Cache;

/// <summary>10,000 windows of a tiny synthetic configuration through every eviction policy.</summary>
public sealed class RollingKvCacheLongRunTests
{
    private const int Layers = 4;
    private const int WindowTokens = 24; // 20 video + 3 audio + separator
    private const int PromptTokens = 5;
    private const int MaxPositions = 512;
    private const int Reserve = 32;
    private const long RowBytes = 2 * 2 * 8 * 2; // 2 KV heads × head dim 8, bf16, keys + values

    public static TheoryData<string> Policies => ["streaming-llm", "a2sf", "paged", "infinipot-v"];

    private static IEvictionPolicy Make(string name) => name switch
    {
        "streaming-llm" => new StreamingLlmEviction(),
        "a2sf" => new A2sfEviction(),
        "paged" => new PagedEviction(new PagedEvictionOptions { BlockSize = 8 }),
        _ => new InfiniPotVEviction(),
    };

    [Theory]
    [MemberData(nameof(Policies))]
    public void CountsAndBytesStayWithinBudgetsAndFlatForTenThousandWindows(string policyName)
    {
        KvBudget[] budgets =
        [
            new() { MaxTokens = 200 },
            new() { MaxTokens = 200, MaxBytes = 160 * RowBytes },
            new() { MaxTokens = 120 },
            new() { MaxTokens = 400, MaxBytes = 100 * RowBytes },
        ];
        var cache = new RollingKvCache(
            new RollingKvCacheOptions { LayerCount = Layers, BytesPerTokenPerLayer = RowBytes, LayerBudgets = budgets, MaxPositions = MaxPositions, MaxBlockSpan = WindowTokens, QuestionReserve = Reserve },
            Make(policyName));

        var random = new Random(42);
        var global = new KeepFirstPolicy(new KeepFirstOptions { MediaTokensKept = 10 });
        var fine = new FinePruner();
        var kinds = Enumerable.Repeat(TokenKind.Video, 20).Concat(Enumerable.Repeat(TokenKind.Audio, 3)).Append(TokenKind.Separator).ToArray();

        for (var l = 0; l < Layers; l++)
        {
            cache.Append(l, Enumerable.Range(0, PromptTokens).Select(i => new CachedToken { TimelineIndex = i, Kind = TokenKind.Prompt, Position = i }).ToArray());
        }

        long timeline = PromptTokens;
        var minAfterWarmUp = new int[Layers];
        var maxAfterWarmUp = new int[Layers];
        Array.Fill(minAfterWarmUp, int.MaxValue);
        for (var w = 0; w < 10_000; w++)
        {
            // Which window tokens reach each layer: all below K = 2, the global cut at K, fine pruning after.
            var kept = new int[Layers][];
            kept[0] = kept[1] = Enumerable.Range(0, WindowTokens).ToArray();
            kept[2] = global.SelectKept(new PruningContext { Kinds = kinds });
            var scores = kinds.Select(_ => (float)random.NextDouble()).ToArray();
            kept[3] = fine.SelectKept(kept[2].Select(i => scores[i]).ToArray(), kept[2].Select(i => kinds[i]).ToArray()).Select(j => kept[2][j]).ToArray();

            var plan = cache.MakeRoom(kept.Select(k => k.Length).ToArray(), WindowTokens);
            Assert.Equal(Layers, plan.KeptRowsPerLayer.Count);
            for (var l = 0; l < Layers; l++)
            {
                cache.UpdateScores(l, Enumerable.Range(0, cache.Layer(l).Count).Select(_ => (float)random.NextDouble()).ToArray());
                cache.Append(l, kept[l].Select(i => new CachedToken
                {
                    TimelineIndex = timeline + i,
                    Kind = kinds[i],
                    Window = w,
                    MediaTime = w + i / (double)WindowTokens,
                    Position = i,
                    Score = (float)random.NextDouble(),
                    ValueKeyRatio = (float)random.NextDouble(),
                    ValueNorm = (float)random.NextDouble(),
                    Redundancy = (float)random.NextDouble(),
                }).ToArray());

                var layer = cache.Layer(l);
                Assert.True(layer.Count <= layer.MaxTokens, $"layer {l} window {w}: {layer.Count} > {layer.MaxTokens}");
                Assert.True(cache.Bytes(l) <= (budgets[l].MaxBytes ?? long.MaxValue), $"layer {l} window {w}: {cache.Bytes(l)} bytes");
                Assert.True(layer.MaxPosition + Reserve < MaxPositions, $"layer {l} window {w}: position {layer.MaxPosition}");
                if (w >= 100)
                {
                    minAfterWarmUp[l] = Math.Min(minAfterWarmUp[l], layer.Count);
                    maxAfterWarmUp[l] = Math.Max(maxAfterWarmUp[l], layer.Count);
                }
            }

            timeline += WindowTokens;
        }

        for (var l = 0; l < Layers; l++)
        {
            var layer = cache.Layer(l);
            // Whole-block eviction may leave up to a block plus a window of room; the others fill the budget exactly.
            var slack = policyName == "paged" ? 8 + WindowTokens : 0;
            Assert.InRange(maxAfterWarmUp[l], layer.MaxTokens - slack, layer.MaxTokens);
            Assert.True(maxAfterWarmUp[l] - minAfterWarmUp[l] <= slack, $"layer {l}: {minAfterWarmUp[l]}..{maxAfterWarmUp[l]}");

            // The prompt survives hours of eviction; rows stay in timeline order with strictly increasing positions.
            var rows = layer.Rows.ToArray();
            Assert.Equal(Enumerable.Range(0, PromptTokens).Select(i => (long)i), rows.Take(PromptTokens).Select(r => r.TimelineIndex));
            for (var i = 1; i < rows.Length; i++)
            {
                Assert.True(rows[i].TimelineIndex > rows[i - 1].TimelineIndex);
                Assert.True(rows[i].Position > rows[i - 1].Position);
            }
        }

        Assert.Equal(new[] { 200, 160, 120, 100 }, Enumerable.Range(0, Layers).Select(l => cache.Layer(l).MaxTokens));
        Assert.True(cache.EvictedCount > 0);
        Assert.True(timeline > MaxPositions * 100);
    }
}
