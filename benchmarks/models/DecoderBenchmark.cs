using System.Diagnostics;
using FastAV.Live.Models.Decoder;
using FastAV.Live.Torch;

namespace FastAV.Live.Models.Benchmarks;

/// <summary>Prefill of a prompt (logits of its last token only), then greedy one-token decode steps on the cache.</summary>
internal static class DecoderBenchmark
{
    public static (double PrefillTokensPerSecond, double DecodeTokensPerSecond) Run(DecoderModel model, int prefillTokens, int decodeTokens)
    {
        var ids = new long[prefillTokens];
        var random = new Random(2);
        for (var i = 0; i < ids.Length; i++)
        {
            ids[i] = random.Next(model.Config.VocabSize);
        }

        var positions = Enumerable.Range(0, prefillTokens).Select(i => (long)i).ToArray();
        using var cache = model.CreateCache(initialCapacity: prefillTokens + decodeTokens);
        var clock = Stopwatch.StartNew();
        long token;
        using (var scope = new TensorScope())
        {
            var h = model.RunLayers(model.Embed(ids), positions, cache, 0, model.Config.LayerCount);
            token = model.Logits(h.Narrow(0, prefillTokens - 1, 1)).ArgMax().Item<long>();
        }

        var prefill = clock.Elapsed.TotalSeconds;
        clock.Restart();
        for (var step = 0; step < decodeTokens; step++)
        {
            using var scope = new TensorScope();
            token = model.Forward([token], [prefillTokens + step], cache).ArgMax().Item<long>();
        }

        var decode = clock.Elapsed.TotalSeconds;
        return (prefillTokens / prefill, decodeTokens / decode);
    }
}
