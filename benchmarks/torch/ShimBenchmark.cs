using System.Diagnostics;
using FastAV.Live.Torch;

namespace FastAV.Live.Torch.Benchmarks;

/// <summary>The shim side: the same tiny ops and matmuls as torch_bench.py, each result disposed.</summary>
internal static class ShimBenchmark
{
    public static Dictionary<string, double> TinyOpNanoseconds(int iterations)
    {
        using var scope = new TensorScope();
        var a4 = Torch.Randn([4]);
        var b4 = Torch.Randn([4]);
        var m4 = Torch.Randn([4, 4]);
        var v8 = Torch.Randn([8]);
        return new Dictionary<string, double>
        {
            ["add [4]+[4]"] = PerOp(() => a4.Add(b4), iterations),
            ["mul [4]*2.0"] = PerOp(() => a4.Mul(2.0), iterations),
            ["matmul [4x4]@[4x4]"] = PerOp(() => m4.Matmul(m4), iterations),
            ["zeros [4]"] = PerOp(() => Torch.Zeros([4]), iterations),
            ["reshape [4x4]->[16]"] = PerOp(() => m4.Reshape(16), iterations),
            ["softmax [8]"] = PerOp(() => v8.Softmax(-1), iterations),
        };
    }

    /// <summary>Best-time GFLOP/s of [m, k] x [k, n] over at least 3 runs and <paramref name="seconds"/>.</summary>
    public static double MatmulGflops(long m, long k, long n, double seconds = 1.5)
    {
        using var scope = new TensorScope();
        var a = Torch.Randn([m, k]);
        var b = Torch.Randn([k, n]);
        a.Matmul(b).Dispose();
        var times = new List<double>();
        var total = Stopwatch.StartNew();
        while (times.Count < 3 || total.Elapsed.TotalSeconds < seconds)
        {
            var sw = Stopwatch.StartNew();
            a.Matmul(b).Dispose();
            times.Add(sw.Elapsed.TotalSeconds);
        }

        return 2.0 * m * k * n / times.Min() / 1e9;
    }

    private static double PerOp(Func<Tensor> op, int iterations)
    {
        var best = double.MaxValue;
        for (var round = 0; round < 5; round++)
        {
            var sw = Stopwatch.StartNew();
            for (var i = 0; i < iterations; i++)
            {
                op().Dispose();
            }

            best = Math.Min(best, sw.Elapsed.TotalNanoseconds / iterations);
        }

        return best;
    }
}
