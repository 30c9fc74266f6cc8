namespace FastAV.Live.Torch.Tests;

/// <summary>Scopes, counters and options. Counters are process-wide: these run alone.</summary>
[Collection(SerialCollection.Name)]
public sealed class TensorLifetimeTests
{
    [Fact]
    public void ScopeDisposesTemporariesAndMoveToOuterKeepsResults()
    {
        Quiesce();
        var baseline = Torch.LiveTensorCount;
        Tensor kept;
        Tensor temp;
        using (var outer = new TensorScope())
        {
            using (var inner = new TensorScope())
            {
                temp = Torch.Ones([3]);
                var sum = (temp * 2).Sum();
                Assert.Equal(3, inner.Count);
                kept = inner.MoveToOuter(sum);
                Assert.Equal(2, inner.Count);
                Assert.Same(inner, TensorScope.Current);
            }

            Assert.Same(outer, TensorScope.Current);
            Assert.True(temp.IsDisposed);
            Assert.False(kept.IsDisposed);
            Assert.Equal(6f, kept.Item<float>());
            Assert.Equal(baseline + 1, Torch.LiveTensorCount);
            kept.MoveToOuterScope(); // out of all scopes: the caller owns it
        }

        Assert.Null(TensorScope.Current);
        Assert.False(kept.IsDisposed);
        Assert.Equal(baseline + 1, Torch.LiveTensorCount);
        kept.Dispose();
        Assert.Equal(baseline, Torch.LiveTensorCount);
    }

    [Fact]
    public void DisposingTheNewestTensorByHandKeepsTheScopeShort()
    {
        using var scope = new TensorScope();
        var kept = Torch.Ones([2]);
        for (var i = 0; i < 1000; i++)
        {
            using var t = kept.Add(1);
        }

        Assert.Equal(1, scope.Count);
        var a = Torch.Ones([1]);
        _ = Torch.Ones([1]);
        a.Dispose(); // not the newest: stays listed, disposed once more at the end (a no-op)
        Assert.Equal(3, scope.Count);
    }

    [Fact]
    public void DetachFromScopesLeavesEveryNestedScope()
    {
        Tensor kept;
        Tensor temp;
        using (var outer = new TensorScope())
        {
            using (var inner = new TensorScope())
            {
                temp = Torch.Full([2], 3.0);
                kept = temp.Mul(2).DetachFromScopes();
                Assert.Equal(1, inner.Count);
            }

            Assert.Equal(0, outer.Count);
        }

        Assert.True(temp.IsDisposed);
        Assert.False(kept.IsDisposed);
        Assert.Equal([6f, 6f], kept.ToArray<float>());
        Assert.Same(kept, kept.DetachFromScopes()); // no scope: nothing to do
        kept.Dispose();
        Assert.Throws<ObjectDisposedException>(() => kept.DetachFromScopes());
    }

    [Fact]
    public void MoveToOuterRejectsForeignTensors()
    {
        using var outside = new TensorScope();
        var t = Torch.Zeros([1]);
        using var inner = new TensorScope();
        Assert.Throws<InvalidOperationException>(() => inner.MoveToOuter(t));
    }

    [Fact]
    public void CountersTrackLiveAndPeakTensorsAndBytes()
    {
        Quiesce();
        var baseCount = Torch.LiveTensorCount;
        var baseBytes = Torch.LiveTensorBytes;
        Torch.ResetPeaks();
        using (var scope = new TensorScope())
        {
            _ = Torch.Zeros([1000]); // 4,000 bytes
            _ = Torch.Zeros([10], DType.Float64); // 80 bytes
            Assert.Equal(baseCount + 2, Torch.LiveTensorCount);
            Assert.Equal(baseBytes + 4080, Torch.LiveTensorBytes);
        }

        Assert.Equal(baseCount, Torch.LiveTensorCount);
        Assert.Equal(baseBytes, Torch.LiveTensorBytes);
        Assert.Equal(baseCount + 2, Torch.PeakTensorCount);
        Assert.Equal(baseBytes + 4080, Torch.PeakTensorBytes);
        Torch.ResetPeaks();
        Assert.Equal(baseCount, Torch.PeakTensorCount);
    }

    [Fact]
    public void SplitPartsAndPairsAreCountedAndFreed()
    {
        Quiesce();
        var baseline = Torch.LiveTensorCount;
        using (var scope = new TensorScope())
        {
            var parts = Torch.Arange(10).Split(3);
            Assert.Equal([3L, 3L, 3L, 1L], parts.Select(p => p.Shape[0]));
            _ = Torch.Arange(10).Chunk(3);
            _ = Torch.Arange(10, DType.Float32).TopK(2);
        }

        Assert.Equal(baseline, Torch.LiveTensorCount);
    }

    [Fact]
    public void ThreadCountIsConfigurable()
    {
        var before = Torch.ThreadCount;
        try
        {
            Torch.Configure(new TorchOptions { IntraOpThreadCount = 1, Seed = 42 });
            Assert.Equal(1, Torch.ThreadCount);
            using var scope = new TensorScope();
            var a = Torch.Randn([64, 64]);
            var single = a.Matmul(a).ToArray<float>();
            Torch.ThreadCount = 2;
            Assert.Equal(2, Torch.ThreadCount);
            Assert.Equal(single, a.Matmul(a).ToArray<float>());
            Assert.Equal(Environment.ProcessorCount, new TorchOptions().IntraOpThreadCount);
            Assert.Throws<ArgumentOutOfRangeException>(() => Torch.Configure(new TorchOptions { IntraOpThreadCount = 0 }));
        }
        finally
        {
            Torch.ThreadCount = before;
        }
    }

    [Fact]
    public void ReportsTheLibtorchItWasBuiltAgainst()
    {
        Assert.Matches(@"^\d+\.\d+", Torch.Version);
        var major = int.Parse(Torch.Version.Split('.')[0], System.Globalization.CultureInfo.InvariantCulture);
        if (major < 2)
        {
            Assert.False(Torch.HasNativeScaledDotProductAttention);
            Assert.False(Torch.HasNativeRmsNorm);
        }
        else
        {
            Assert.True(Torch.HasNativeScaledDotProductAttention);
        }

        Assert.Equal(Cuda.DeviceCount > 0, Cuda.IsAvailable);
    }

    /// <summary>Unscoped tensors other tests dropped are freed by finalizers: settle them before a baseline.</summary>
    private static void Quiesce()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
    }
}
