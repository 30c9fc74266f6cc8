using System.Diagnostics;
using Xunit.Abstractions;

namespace FastAV.Live.Torch.Tests;

[Collection(SerialCollection.Name)]
public sealed class LeakTests(ITestOutputHelper output)
{
    /// <summary>
    /// 1,000,000 create/dispose cycles in scopes: the live count returns to baseline and RSS stays
    /// flat once warm (native handles and storage are freed deterministically, not by the GC).
    /// </summary>
    [Fact]
    public void MillionScopedCyclesLeaveNoTensorsAndFlatMemory()
    {
        Quiesce();
        var baseline = Torch.LiveTensorCount;
        Cycle(100_000); // warm-up: allocator pools, GC budgets, JIT tiers
        var rssWarm = SettledRss();
        Cycle(450_000);
        var rssMid = SettledRss();
        Cycle(450_000);
        var rssEnd = SettledRss();
        output.WriteLine($"RSS (MiB): warm {rssWarm >> 20}, mid {rssMid >> 20}, end {rssEnd >> 20}");
        Assert.Equal(baseline, Torch.LiveTensorCount);
        // Leaking one 16-byte tensor (plus its ~200-byte handle) per cycle would add ~90 MiB per 450k cycles.
        Assert.True(rssEnd - rssMid < 16L << 20, $"RSS (MiB): warm {rssWarm >> 20}, mid {rssMid >> 20}, end {rssEnd >> 20}");
    }

    private static void Cycle(int count)
    {
        for (var i = 0; i < count; i++)
        {
            using var scope = new TensorScope();
            var t = Torch.Zeros([4]);
            if (i % 100_000 == 0)
            {
                Assert.Equal(1, scope.Count);
                Assert.Equal(4, t.NumEl);
            }
        }
    }

    private static long SettledRss()
    {
        Quiesce();
        using var self = Process.GetCurrentProcess();
        self.Refresh();
        return self.WorkingSet64;
    }

    /// <summary>Unscoped tensors other tests dropped are freed by finalizers: settle them before a baseline.</summary>
    private static void Quiesce()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }
}
