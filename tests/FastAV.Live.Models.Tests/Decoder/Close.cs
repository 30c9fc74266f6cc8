using System.Globalization;
using FastAV.Live.Torch;

namespace FastAV.Live.Models.Tests.Decoder;

/// <summary>Max-abs-difference comparison against reference arrays (float32 parity bar: 1e-4).</summary>
internal static class Close
{
    public const double Tolerance = 1e-4;

    public static void Equal(ReferenceTensors reference, string name, Tensor actual)
    {
        Assert.Equal(reference.Shape(name), actual.Shape);
        Equal(reference.Floats(name), actual.Contiguous().ToArray<float>(), name);
    }

    public static void Equal(float[] expected, float[] actual, string name, double tolerance = Tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        var max = 0.0;
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.False(float.IsNaN(actual[i]), $"{name}: NaN at {i}");
            max = Math.Max(max, Math.Abs(expected[i] - actual[i]));
        }

        Assert.True(max <= tolerance, string.Create(CultureInfo.InvariantCulture, $"{name}: max abs diff {max:g3} > {tolerance:g3}"));
    }
}
