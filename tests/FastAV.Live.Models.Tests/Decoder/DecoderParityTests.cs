using FastAV.Live.Models.Decoder;
using FastAV.Live.Torch;

namespace FastAV.Live.Models.Tests.Decoder;

/// <summary>Every module and the engine-facing mechanisms against the PyTorch reference (max abs diff ≤ 1e-4, float32).</summary>
[Collection(DecoderReferenceCollection.Name)]
public sealed class DecoderParityTests(DecoderReference reference)
{
    [Theory]
    [MemberData(nameof(DecoderCase.Names), MemberType = typeof(DecoderCase))]
    public void ModulesOfLayerZeroMatch(string name)
    {
        var (c, r) = (DecoderCase.Get(name), reference[name]);
        using var model = DecoderModel.Load(c.Config, r);
        using var scope = new TensorScope();
        var x = r.Get("in.x");
        var positions = r.Longs("in.positions");
        var layer = model.Layers[0];

        Close.Equal(r, "out.rmsnorm", layer.InputNorm.Forward(x));
        Close.Equal(r, "out.mlp", layer.Mlp.Forward(x));

        var heads = c.Config.AttentionHeadCount;
        var headDim = c.Config.ResolvedHeadDim;
        var q = Functional.Linear(x, r.Get("model.layers.0.self_attn.q_proj.weight"), c.Config.AttentionBias ? r.Get("model.layers.0.self_attn.q_proj.bias") : null)
            .View(positions.Length, heads, headDim);
        var (cos, sin) = model.Rope.CosSin(positions, positions.Max() + 1, DType.Float32);
        Close.Equal(r, "out.rope_q", RotaryEmbedding.Apply(q, cos, sin));

        using var kv = model.CreateCache();
        var lastQuery = new LastQueryAttention();
        Close.Equal(r, "out.attention", layer.Attention.Forward(x, positions, kv[0], null, 0, lastQuery));
        Close.Equal(r.Floats("out.attention_last_row"), lastQuery.Row(0), "last query row vs the reference's full map");
        Assert.Equal(Enumerable.Range(0, positions.Length), lastQuery.Slots(0));
        Assert.Equal(1.0, lastQuery.Row(0).Sum(), 1e-5);
        Assert.Equal(positions, kv[0].Positions.ToArray());

        using var kv2 = model.CreateCache();
        Close.Equal(r, "out.layer", layer.Forward(x, positions, kv2[0], null, null));
    }

    [Theory]
    [MemberData(nameof(DecoderCase.Names), MemberType = typeof(DecoderCase))]
    public void PrefillThenBlockOnTheCacheMatchesTheWholeSequence(string name)
    {
        var (c, r) = (DecoderCase.Get(name), reference[name]);
        using var model = DecoderModel.Load(c.Config, r);
        using var scope = new TensorScope();
        using var cache = model.CreateCache(initialCapacity: 4); // grows while prefilling
        var p = c.PromptLength;
        Close.Equal(r, "out.prompt_logits", model.Forward(r.Longs("in.prompt_ids"), Range(0, p), cache));
        var block = model.Forward(r.Longs("in.block_ids"), Range(p, c.BlockLength), cache);
        Close.Equal(r, "out.block_logits_cached", block);
        if (c.Config.RopeScaling.Kind != RopeScalingKind.Dynamic)
        {
            // Dynamic RoPE's theta depends on the attended length: the prompt's cached hidden states
            // were computed with a shorter one than a whole-sequence pass uses.
            Close.Equal(r, "out.block_logits", block);
        }
        Assert.All(cache.Counts(), n => Assert.Equal(p + c.BlockLength, n));
    }

    [Theory]
    [MemberData(nameof(DecoderCase.Names), MemberType = typeof(DecoderCase))]
    public void GreedyDecodingOneTokenAtATimeMatches32Steps(string name)
    {
        var (c, r) = (DecoderCase.Get(name), reference[name]);
        using var model = DecoderModel.Load(c.Config, r);
        using var cache = model.CreateCache();
        var prompt = r.Longs("in.prompt_ids");
        var generated = new List<long>();
        var logits = LastLogits(model, prompt, Range(0, prompt.Length), cache);
        for (var step = 0; step < c.GreedySteps; step++)
        {
            var next = ArgMax(logits);
            generated.Add(next);
            logits = LastLogits(model, [next], [prompt.Length + step], cache);
        }

        Assert.Equal(r.Longs("out.greedy_ids"), generated);
    }

    [Theory]
    [MemberData(nameof(DecoderCase.Names), MemberType = typeof(DecoderCase))]
    public void PerLayerSubsetsWithReindexedPositionsMatch(string name)
    {
        var (c, r) = (DecoderCase.Get(name), reference[name]);
        using var model = DecoderModel.Load(c.Config, r);
        using var scope = new TensorScope();
        using var cache = model.CreateCache();
        model.Forward(r.Longs("in.prompt_ids"), Range(0, c.PromptLength), cache);
        for (var i = 0; i < c.Config.LayerCount; i++)
        {
            cache[i].Retain(r.Ints($"in.subset.{i}"));
            cache[i].Reposition(r.Longs($"in.subset_positions.{i}"));
        }

        var lastQuery = new LastQueryAttention();
        Close.Equal(r, "out.subset_logits", model.Forward(r.Longs("in.block_ids"), r.Longs("in.block_positions"), cache, lastQuery));
        for (var i = 0; i < c.Config.LayerCount; i++)
        {
            var kept = r.Ints($"in.subset.{i}").Length;
            Close.Equal(r.Floats($"out.subset_last_row.{i}"), lastQuery.Row(i), $"layer {i} last query row");
            Assert.Equal(Enumerable.Range(0, kept + c.BlockLength), lastQuery.Slots(i));
            Assert.Equal(kept + c.BlockLength, cache[i].Count);
        }
    }

    [Theory]
    [MemberData(nameof(DecoderCase.Names), MemberType = typeof(DecoderCase))]
    public void AttendingToCachedSlotsWithoutCompactingMatches(string name)
    {
        var (c, r) = (DecoderCase.Get(name), reference[name]);
        using var model = DecoderModel.Load(c.Config, r);
        using var scope = new TensorScope();
        using var cache = model.CreateCache();
        model.Forward(r.Longs("in.prompt_ids"), Range(0, c.PromptLength), cache);
        var slots = new Dictionary<int, int[]>();
        for (var i = 0; i < c.Config.LayerCount; i++)
        {
            // Only the attended slots' positions matter; the others keep their prompt positions.
            var subset = r.Ints($"in.subset.{i}");
            var newPositions = r.Longs($"in.subset_positions.{i}");
            var positions = cache[i].Positions.ToArray();
            for (var j = 0; j < subset.Length; j++)
            {
                positions[subset[j]] = newPositions[j];
            }

            cache[i].Reposition(positions);
            slots[i] = subset;
        }

        var lastQuery = new LastQueryAttention();
        var h = model.RunLayers(model.Embed(r.Longs("in.block_ids")), r.Longs("in.block_positions"), cache, 0, c.Config.LayerCount, lastQuery, slots);
        Close.Equal(r, "out.subset_logits", model.Logits(h));
        for (var i = 0; i < c.Config.LayerCount; i++)
        {
            Close.Equal(r.Floats($"out.subset_last_row.{i}"), lastQuery.Row(i), $"layer {i} last query row");
            Assert.Equal(slots[i].Concat(Enumerable.Range(c.PromptLength, c.BlockLength)), lastQuery.Slots(i));
            Assert.Equal(c.PromptLength + c.BlockLength, cache[i].Count); // nothing was dropped
        }
    }

    [Theory]
    [MemberData(nameof(DecoderCase.Names), MemberType = typeof(DecoderCase))]
    public void DroppingTokensAtLayerKThenDecodingMatches(string name)
    {
        var (c, r) = (DecoderCase.Get(name), reference[name]);
        using var model = DecoderModel.Load(c.Config, r);
        using var scope = new TensorScope();
        using var cache = model.CreateCache();
        var (p, b, k, layers) = (c.PromptLength, c.BlockLength, c.DropLayer, c.Config.LayerCount);
        model.Forward(r.Longs("in.prompt_ids"), Range(0, p), cache);

        var positions = Range(p, b);
        var h = model.RunLayers(model.Embed(r.Longs("in.block_ids")), positions, cache, 0, k);
        var keep = r.Longs("in.drop_keep");
        h = h.IndexSelect(0, Torch.Torch.FromArray(keep));
        h = model.RunLayers(h, Array.ConvertAll(keep, i => positions[i]), cache, k, layers);
        Close.Equal(r, "out.drop_logits", model.Logits(h));
        for (var i = 0; i < layers; i++)
        {
            Assert.Equal(p + (i < k ? b : keep.Length), cache[i].Count);
        }

        var lastQuery = new LastQueryAttention();
        Close.Equal(r, "out.drop_next_logits", model.Forward(r.Longs("in.next_id"), [p + b], cache, lastQuery));
        for (var i = 0; i < layers; i++)
        {
            Close.Equal(r.Floats($"out.drop_next_last_row.{i}"), lastQuery.Row(i), $"layer {i} decode last query row");
        }
    }

    private static long[] Range(long start, int count) => Enumerable.Range(0, count).Select(i => start + i).ToArray();

    private static float[] LastLogits(DecoderModel model, long[] ids, long[] positions, DecoderKvCache cache)
    {
        using var scope = new TensorScope();
        var logits = model.Forward(ids, positions, cache);
        return logits.Select(0, logits.Size(0) - 1).ToArray<float>();
    }

    private static long ArgMax(float[] values)
    {
        var best = 0;
        for (var i = 1; i < values.Length; i++)
        {
            if (values[i] > values[best])
            {
                best = i;
            }
        }

        return best;
    }
}
