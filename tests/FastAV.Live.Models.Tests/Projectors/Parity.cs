using FastAV.Live.Torch;

namespace FastAV.Live.Models.Tests.Projectors;

/// <summary>Float32 parity with the PyTorch references: same shape, max abs difference ≤ 1e-4.</summary>
internal static class Parity
{
    public const double Tolerance = 1e-4;

    /// <summary>Asserts and returns the max abs difference.</summary>
    public static double AssertClose(EncoderReferenceCase c, string run, string what, Tensor actual)
    {
        var (expected, shape) = c.Array(run, what);
        Assert.True(shape.AsSpan().SequenceEqual(actual.Shape), $"{c.Name}/{run}/{what}: shape [{string.Join(", ", actual.Shape)}], expected [{string.Join(", ", shape)}]");
        Assert.Equal(DType.Float32, actual.DType);
        var got = actual.Contiguous().ToArray<float>();
        double max = 0;
        for (var i = 0; i < got.Length; i++)
        {
            Assert.False(float.IsNaN(got[i]), $"{c.Name}/{run}/{what}: NaN at {i}");
            max = Math.Max(max, Math.Abs(got[i] - expected[i]));
        }

        Assert.True(max <= Tolerance, $"{c.Name}/{run}/{what}: max abs diff {max:E3} > {Tolerance:E0}");
        return max;
    }
}
