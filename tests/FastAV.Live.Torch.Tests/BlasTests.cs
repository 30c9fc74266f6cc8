using System.Diagnostics;

namespace FastAV.Live.Torch.Tests;

/// <summary>
/// The BLAS scripts/setup.sh installs is the one libtorch's matrix products run on: Debian's alternatives point
/// libblas.so.3 at OpenBLAS (pthread flavour), the shim finds libtorch's sgemm_ in that file, and after a 1024³ matmul
/// the OpenBLAS library is mapped into this process. No speed is asserted (benchmarks/torch measures it).
/// </summary>
[Collection(SerialCollection.Name)]
public sealed class BlasTests
{
    private static readonly string Multiarch = RuntimeMultiarch();
    private static readonly string OpenBlasDirectory = $"/usr/lib/{Multiarch}/openblas-pthread";

    [Fact]
    public void SetupSelectsOpenBlasThroughTheAlternatives()
    {
        var query = Run("update-alternatives", "--query", $"libblas.so.3-{Multiarch}");
        var value = query.Split('\n').Single(l => l.StartsWith("Value: ", StringComparison.Ordinal))["Value: ".Length..].Trim();
        Assert.Equal($"{OpenBlasDirectory}/libblas.so.3", value);
        Assert.Equal(value, RealPath($"/usr/lib/{Multiarch}/libblas.so.3"));
    }

    [Fact]
    public void LibtorchComputesA1024CubedMatmulWithOpenBlas()
    {
        const int n = 1024;
        var random = new Random(5);
        var a = new float[n * n];
        var b = new float[n * n];
        for (var i = 0; i < a.Length; i++)
        {
            a[i] = (float)(random.NextDouble() - 0.5);
            b[i] = (float)(random.NextDouble() - 0.5);
        }

        float[] product;
        using (var scope = new TensorScope())
        {
            product = Torch.FromArray(a, n, n).Matmul(Torch.FromArray(b, n, n)).ToArray<float>();
        }

        // A handful of entries against a double-precision dot product: the product is right, not just fast.
        foreach (var (row, col) in new[] { (0, 0), (17, 1000), (511, 512), (1023, 1023), (800, 3) })
        {
            var expected = 0.0;
            for (var k = 0; k < n; k++)
            {
                expected += (double)a[(row * n) + k] * b[(k * n) + col];
            }

            Assert.True(Math.Abs(product[(row * n) + col] - expected) < 1e-3, $"[{row}, {col}]: {product[(row * n) + col]} vs {expected}");
        }

        // libtorch's sgemm_ resolves into the file the alternatives select, and that is OpenBLAS.
        Assert.Equal(RealPath($"/usr/lib/{Multiarch}/libblas.so.3"), Torch.BlasLibrary);
        Assert.StartsWith(OpenBlasDirectory + "/", Torch.BlasLibrary, StringComparison.Ordinal);
        Assert.StartsWith("OpenBLAS ", Torch.BlasConfig, StringComparison.Ordinal);
        Assert.True(Torch.IsOpenBlas);

        // ... and the OpenBLAS library behind it (libopenblas.so.0 → libopenblasp-r*.so) is mapped into this process.
        var openblas = RealPath($"/usr/lib/{Multiarch}/libopenblas.so.0");
        Assert.StartsWith(OpenBlasDirectory + "/", openblas, StringComparison.Ordinal);
        var mapped = File.ReadLines("/proc/self/maps").Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).Where(f => f.Length >= 6).Select(f => f[5]).ToHashSet();
        Assert.Contains(openblas, mapped);
        Assert.Contains(Torch.BlasLibrary, mapped);
        Assert.DoesNotContain(mapped, m => m.StartsWith($"/usr/lib/{Multiarch}/blas/", StringComparison.Ordinal)); // the reference BLAS
    }

    [Fact]
    public void BlasThreadCountIsSetThroughTheShim()
    {
        var before = Torch.BlasThreadCount;
        try
        {
            Torch.BlasThreadCount = 1;
            Assert.Equal(1, Torch.BlasThreadCount);
            Torch.BlasThreadCount = 2;
            Assert.Equal(2, Torch.BlasThreadCount);
            Assert.Throws<ArgumentOutOfRangeException>(() => Torch.BlasThreadCount = 0);
        }
        finally
        {
            Torch.BlasThreadCount = before;
        }
    }

    private static string RealPath(string path)
    {
        var target = new FileInfo(path).ResolveLinkTarget(returnFinalTarget: true);
        return target?.FullName ?? Path.GetFullPath(path);
    }

    private static string RuntimeMultiarch() => Run("gcc", "-print-multiarch").Trim();

    private static string Run(string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in arguments)
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {file}");
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{file} {string.Join(' ', arguments)} exited {process.ExitCode}: {process.StandardError.ReadToEnd()}");
        return output;
    }
}
