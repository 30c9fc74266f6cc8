using FastAV.Live.Models.Tests.Projectors;
using FastAV.Live.Models.Vision;
using FastAV.Live.Torch;
using Xunit.Abstractions;

namespace FastAV.Live.Models.Tests.Vision;

/// <summary>
/// Every module output of the SigLIP / CLIP towers against the plain-PyTorch reference
/// (tests/reference/vit_vision_encoder.py): embeddings (with bicubic position interpolation for
/// other sizes), the first layer, the model output, the VLM features, pooling and the projector.
/// </summary>
[Collection(EncoderReferenceCollection.Name)]
public sealed class VisionTowerParityTests(EncoderReferenceFile reference, ITestOutputHelper output)
{
    [Theory]
    [InlineData("siglip_pool")]
    [InlineData("siglip_odd_heads")]
    [InlineData("clip_pool_after")]
    [InlineData("clip_full")]
    public void EveryModuleOutputMatchesTheReference(string name)
    {
        var c = reference[name];
        using var tower = new VisionTower(c.VisionConfig(), c.Weights);
        Assert.Equal(c.WeightArrays.Count - PostNormUnused(tower), TensorCount(c, tower));
        foreach (var run in c.Runs)
        {
            var r = run.GetProperty("name").GetString()!;
            using var scope = new TensorScope();
            var pixels = c.Tensor(r, "pixels");
            var worst = Parity.AssertClose(c, r, "embeddings", tower.Encoder.Embed(pixels));
            var layer0 = tower.Encoder.Config.LayerCount > 0 ? tower.Encoder.HiddenState(pixels, 1) : null;
            if (layer0 is not null)
            {
                worst = Math.Max(worst, Parity.AssertClose(c, r, "layer0", layer0));
            }

            worst = Math.Max(worst, Parity.AssertClose(c, r, "last_hidden_state", tower.Encoder.Forward(pixels)));
            worst = Math.Max(worst, Parity.AssertClose(c, r, "features", tower.Encoder.Features(pixels)));
            var height = (int)pixels.Size(2);
            var width = (int)pixels.Size(3);
            var grid = tower.Encoder.GridFor(height, width);
            Assert.Equal(run.GetProperty("grid")[0].GetInt32(), grid.Rows);
            Assert.Equal(run.GetProperty("grid")[1].GetInt32(), grid.Cols);
            if (c.Has(r, "pooled"))
            {
                var target = c.VisionConfig().PooledGrid!.Value;
                worst = Math.Max(worst, Parity.AssertClose(c, r, "pooled", PatchGridPooling.Pool(tower.Encoder.Features(pixels), grid, target)));
            }

            var block = tower.Embed(pixels);
            worst = Math.Max(worst, Parity.AssertClose(c, r, "block", block));
            Assert.Equal(pixels.Size(0) * tower.TokensPerFrame(height, width), block.Size(0));

            // The flat-array entry point (ImagePreprocessor's output) gives the same block.
            var (flat, shape) = c.Array(r, "pixels");
            Parity.AssertClose(c, r, "block", tower.Embed(flat, (int)shape[0], (int)shape[2], (int)shape[3]));
            output.WriteLine($"{name}/{r} {pixels.Size(2)}x{pixels.Size(3)} grid {grid}: max abs diff {worst:E2}");
        }
    }

    /// <summary>CLIP checkpoints hold a post_layernorm that only the pooled class token uses.</summary>
    private static int PostNormUnused(VisionTower tower) => tower.Encoder.Config.HasClassToken ? 2 : 0;

    private static int TensorCount(EncoderReferenceCase c, VisionTower tower)
    {
        // Every tensor the towers took: parameters add up to the reference's, less the unused norm.
        var expected = c.WeightArrays.Where(kv => !(tower.Encoder.Config.HasClassToken && kv.Key.Contains("post_layernorm", StringComparison.Ordinal)))
            .Sum(kv => kv.Value.Data.LongLength);
        Assert.Equal(expected, tower.Encoder.ParameterCount + tower.Projector.ParameterCount);
        return c.WeightArrays.Count - PostNormUnused(tower);
    }
}
