using FastAV.Live.Models.Decoder;
using FastAV.Live.Torch;

namespace FastAV.Live.Engine.Running;

/// <summary>
/// Runs many sequences through the decoder together, one layer at a time: every run names its block for the layer,
/// the blocks go through the layer as one stacked batch (one matrix product per weight; attention per block), and
/// every run takes its output before the next layer — so per-stream pruning between layers and batching coexist.
/// One run's failure (its policy, its inputs) fails that run alone. A failure of the shared forward itself restarts
/// every run of the batch and runs each alone, so only the run that causes it loses its work.
/// </summary>
internal static class Lockstep
{
    /// <summary>The failures a piece of work may cause without breaking the engine: they fail that work only.</summary>
    public static bool IsWorkFailure(Exception e) => e is ArgumentException or InvalidOperationException or TorchException;

    /// <summary>Runs every run that has not failed; returns the forward passes it took (1, or more after a shared failure; 0 when none ran).</summary>
    public static int Run(IReadOnlyList<LayerRun> runs)
    {
        var live = runs.Where(r => r.Failure is null).ToList();
        if (live.Count == 0) return 0;
        var model = live[0].Model;
        if (live.Any(r => !ReferenceEquals(r.Model, model))) throw new ArgumentException("a batch runs on one model", nameof(runs));

        for (var layer = 0; layer < model.Config.LayerCount; layer++)
        {
            var blocks = new List<DecoderBlock>(live.Count);
            var members = new List<LayerRun>(live.Count);
            foreach (var run in live)
            {
                try
                {
                    blocks.Add(run.Enter(layer));
                    members.Add(run);
                }
                catch (Exception e) when (IsWorkFailure(e))
                {
                    run.Fail(e);
                }
            }

            live = members;
            if (live.Count == 0) return 1;
            Tensor[] outputs;
            try
            {
                outputs = model.RunLayers(blocks, layer, layer + 1);
            }
            catch (Exception e) when (IsWorkFailure(e))
            {
                return 1 + RunAlone(live, e);
            }

            for (var i = 0; i < live.Count; i++) live[i].Leave(layer, outputs[i]);
        }

        float[][] logits;
        try
        {
            logits = LastLogits(model, live);
        }
        catch (Exception e) when (IsWorkFailure(e))
        {
            return 1 + RunAlone(live, e);
        }

        for (var i = 0; i < live.Count; i++)
        {
            try
            {
                live[i].Complete(logits[i]);
            }
            catch (Exception e) when (IsWorkFailure(e))
            {
                live[i].FailAfterForward(e);
            }
        }

        return 1;
    }

    // The shared forward failed: alone, the run fails; in a batch, every run starts over on its own.
    private static int RunAlone(List<LayerRun> live, Exception failure)
    {
        if (live.Count == 1)
        {
            live[0].Fail(failure);
            return 0;
        }

        foreach (var run in live) run.Restart();
        return live.Sum(run => Run([run]));
    }

    // Final norm and LM head on the last token of every block at once: [runs][vocab].
    private static float[][] LastLogits(DecoderModel model, List<LayerRun> runs)
    {
        using var scope = new TensorScope();
        var last = runs.Select(r => r.Hidden.Narrow(0, r.Hidden.Size(0) - 1, 1)).ToArray();
        var logits = model.Logits(last.Length == 1 ? last[0] : Torch.Torch.Cat(last)).To(DType.Float32).Contiguous().ToArray<float>();
        var vocab = logits.Length / runs.Count;
        return Enumerable.Range(0, runs.Count).Select(i => logits.AsSpan(i * vocab, vocab).ToArray()).ToArray();
    }
}
