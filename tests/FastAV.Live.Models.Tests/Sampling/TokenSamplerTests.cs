using FastAV.Live.Models.Sampling;
using FastAV.Live.Torch;

namespace FastAV.Live.Models.Tests.Sampling;

public sealed class TokenSamplerTests
{
    [Fact]
    public void GreedyPicksTheLargestLogitLowestIdOnTies()
    {
        var sampler = new TokenSampler(new SamplingOptions());
        Assert.Equal(2, sampler.Sample([0.1f, -3f, 5f, 4.9f]));
        Assert.Equal(1, sampler.Sample([0f, 7f, 7f]));
        Assert.Equal(0, sampler.Sample([float.NegativeInfinity, float.NegativeInfinity]));
    }

    [Fact]
    public void GreedyOnATensorUsesItsLastRow()
    {
        using var scope = new TensorScope();
        var logits = Torch.Torch.FromArray([9f, 0f, 0f, /* last row */ 0f, 1f, 3f], 1, 2, 3);
        Assert.Equal(2, new TokenSampler(new SamplingOptions()).Sample(logits));
        Assert.Equal(1, new TokenSampler(new SamplingOptions()).Sample(Torch.Torch.FromArray([0f, 2f]).To(DType.BFloat16)));
        var nan = Torch.Torch.FromArray([0f, float.NaN]);
        Assert.Throws<ArgumentException>(() => new TokenSampler(new SamplingOptions()).Sample(nan));
    }

    [Fact]
    public void SameSeedSameTokensAndFrequenciesFollowTheSoftmax()
    {
        float[] logits = [MathF.Log(0.5f), MathF.Log(0.3f), MathF.Log(0.2f)];
        var a = new TokenSampler(new SamplingOptions { Temperature = 1, Seed = 42 });
        var b = new TokenSampler(new SamplingOptions { Temperature = 1, Seed = 42 });
        var counts = new int[3];
        var first = new List<int>();
        for (var i = 0; i < 20_000; i++)
        {
            var t = a.Sample(logits);
            Assert.Equal(t, b.Sample(logits));
            counts[t]++;
            if (i < 50)
            {
                first.Add(t);
            }
        }

        Assert.InRange(counts[0] / 20_000.0, 0.48, 0.52);
        Assert.InRange(counts[1] / 20_000.0, 0.28, 0.32);
        Assert.InRange(counts[2] / 20_000.0, 0.18, 0.22);
        var c = new TokenSampler(new SamplingOptions { Temperature = 1, Seed = 43 });
        Assert.NotEqual(first, Enumerable.Range(0, 50).Select(_ => c.Sample(logits)).ToList());
    }

    [Fact]
    public void TopPKeepsOnlyTheNucleus()
    {
        // Probabilities 0.5, 0.3, 0.15, 0.05: top_p 0.8 keeps the first two, never the others.
        float[] logits = [MathF.Log(0.5f), MathF.Log(0.3f), MathF.Log(0.15f), MathF.Log(0.05f)];
        var sampler = new TokenSampler(new SamplingOptions { Temperature = 1, TopP = 0.8, Seed = 7 });
        var counts = new int[4];
        for (var i = 0; i < 10_000; i++)
        {
            counts[sampler.Sample(logits)]++;
        }

        Assert.Equal(0, counts[2] + counts[3]);
        Assert.InRange(counts[0] / 10_000.0, 0.595, 0.655); // 0.5 / 0.8
        // A tiny top_p is greedy.
        var tiny = new TokenSampler(new SamplingOptions { Temperature = 1, TopP = 1e-9, Seed = 1 });
        Assert.All(Enumerable.Range(0, 100), _ => Assert.Equal(0, tiny.Sample(logits)));
    }

    [Fact]
    public void LowTemperatureSharpensHighFlattens()
    {
        float[] logits = [1f, 0f];
        var cold = new TokenSampler(new SamplingOptions { Temperature = 0.05, Seed = 3 });
        Assert.All(Enumerable.Range(0, 200), _ => Assert.Equal(0, cold.Sample(logits)));
        var hot = new TokenSampler(new SamplingOptions { Temperature = 100, Seed = 3 });
        var ones = Enumerable.Range(0, 10_000).Count(_ => hot.Sample(logits) == 1);
        Assert.InRange(ones / 10_000.0, 0.47, 0.52);
    }

    [Fact]
    public void StopTokensAndBadInput()
    {
        var sampler = new TokenSampler(new SamplingOptions { StopTokenIds = [151645, 151643] });
        Assert.True(sampler.IsStop(151645));
        Assert.False(sampler.IsStop(0));
        Assert.Throws<ArgumentException>(() => sampler.Sample(ReadOnlySpan<float>.Empty));
        Assert.Throws<ArgumentException>(() => new TokenSampler(new SamplingOptions { Temperature = 1 }).Sample([1f, float.NaN]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new TokenSampler(new SamplingOptions { Temperature = -1 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new TokenSampler(new SamplingOptions { TopP = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new TokenSampler(new SamplingOptions { TopP = 1.5 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new TokenSampler(new SamplingOptions { Temperature = double.NaN }));
    }
}
