using FastAV.Live.Torch.Tests.Goldens;

namespace FastAV.Live.Torch.Tests;

[Collection(GoldenCollection.Name)]
public sealed class ReductionTests(GoldenFile goldens)
{
    [Fact]
    public void ReductionsMatchPyTorch()
    {
        using var scope = new TensorScope();
        var c = goldens["reductions"];
        var r = c.Input("r");
        c.AssertClose("sum", r.Sum());
        c.AssertClose("sum1k", r.Sum([1], keepDim: true));
        c.AssertClose("sum01", r.Sum([0, 1]));
        c.AssertClose("mean0", r.Mean([0]));
        var (mx, mi) = r.Max(1);
        c.AssertClose("max1_v", mx, atol: 0, rtol: 0);
        c.AssertClose("max1_i", mi, atol: 0, rtol: 0);
        var (mn, mni) = r.Min(0);
        c.AssertClose("min0_v", mn, atol: 0, rtol: 0);
        c.AssertClose("min0_i", mni, atol: 0, rtol: 0);
        c.AssertClose("min", r.Min(), atol: 0, rtol: 0);
        c.AssertClose("max", r.Max(), atol: 0, rtol: 0);
        c.AssertClose("argmax0", r.ArgMax(0), atol: 0, rtol: 0);
        c.AssertClose("argmax", r.ArgMax(), atol: 0, rtol: 0);
        c.AssertClose("norm1", r.Norm(2, [1]));
        c.AssertClose("norm", r.Norm());
        c.AssertClose("norm_p1", r.Norm(1, [0], keepDim: true));
        c.AssertClose("cumsum1", r.CumSum(1));
    }

    [Fact]
    public void SortingMatchesPyTorch()
    {
        using var scope = new TensorScope();
        var c = goldens["sorting"];
        var x = c.Input("x");
        var (tv, ti) = x.TopK(3);
        c.AssertClose("topk_v", tv, atol: 0, rtol: 0);
        c.AssertClose("topk_i", ti, atol: 0, rtol: 0);
        var (sv, si) = x.Sort(descending: true);
        c.AssertClose("sort_v", sv, atol: 0, rtol: 0);
        c.AssertClose("sort_i", si, atol: 0, rtol: 0);
        c.AssertClose("argsort", x.ArgSort(), atol: 0, rtol: 0);
        c.AssertClose("argsort0", x.ArgSort(0), atol: 0, rtol: 0);
        var (sm, smi) = x.TopK(2, 0, largest: false);
        c.AssertClose("topk_small_v", sm, atol: 0, rtol: 0);
        c.AssertClose("topk_small_i", smi, atol: 0, rtol: 0);
    }

    [Fact]
    public void SortIsStableForTies()
    {
        using var scope = new TensorScope();
        var x = Torch.FromArray([2f, 1f, 2f, 1f, 2f]);
        Assert.Equal([1L, 3L, 0L, 2L, 4L], x.ArgSort().ToArray<long>());
        Assert.Equal([0L, 2L, 4L, 1L, 3L], x.ArgSort(descending: true).ToArray<long>());
    }
}
