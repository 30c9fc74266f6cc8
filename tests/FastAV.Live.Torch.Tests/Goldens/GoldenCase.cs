using System.Globalization;
using System.Text.Json;

namespace FastAV.Live.Torch.Tests.Goldens;

/// <summary>One case of goldens.json: named input tensors and expected outputs.</summary>
public sealed class GoldenCase(string name, JsonElement element)
{
    public string Name { get; } = name;

    /// <summary>The input tensor as PyTorch had it (same dtype, shape, values).</summary>
    public Tensor Input(string input) => Build(element.GetProperty("inputs").GetProperty(input));

    public Tensor Expected(string output) => Build(element.GetProperty("expected").GetProperty(output));

    /// <summary>Asserts dtype, shape and every value of <paramref name="actual"/> against the golden.</summary>
    public void AssertClose(string output, Tensor actual, double atol = 1e-5, double rtol = 1e-5, bool checkDType = true)
    {
        var golden = element.GetProperty("expected").GetProperty(output);
        var where = $"{Name}.{output}";
        var dtype = golden.GetProperty("dtype").GetString();
        if (checkDType)
        {
            Assert.True(dtype == PyName(actual.DType), $"{where}: dtype {PyName(actual.DType)}, PyTorch has {dtype}");
        }

        var shape = golden.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()).ToArray();
        Assert.True(shape.SequenceEqual(actual.Shape), $"{where}: shape [{string.Join(",", actual.Shape)}], PyTorch has [{string.Join(",", shape)}]");
        var expected = golden.GetProperty("data").EnumerateArray().Select(Number).ToArray();
        using var asDouble = actual.To(DType.Float64);
        var values = asDouble.ToArray<double>();
        Assert.Equal(expected.Length, values.Length);
        for (var i = 0; i < values.Length; i++)
        {
            var tolerance = atol + (rtol * Math.Abs(expected[i]));
            var ok = double.IsNaN(expected[i]) ? double.IsNaN(values[i]) : Math.Abs(values[i] - expected[i]) <= tolerance;
            Assert.True(ok, string.Create(CultureInfo.InvariantCulture, $"{where}[{i}]: {values[i]:R}, PyTorch has {expected[i]:R} (tolerance {tolerance:G3})"));
        }
    }

    public static string PyName(DType type) => type switch
    {
        DType.Float32 => "float32",
        DType.Float64 => "float64",
        DType.Float16 => "float16",
        DType.BFloat16 => "bfloat16",
        DType.Int64 => "int64",
        DType.Int32 => "int32",
        DType.UInt8 => "uint8",
        DType.Bool => "bool",
        _ => type.ToString(),
    };

    private static double Number(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.True => 1,
        JsonValueKind.False => 0,
        JsonValueKind.String => double.Parse(e.GetString()!, CultureInfo.InvariantCulture),
        _ => e.GetDouble(),
    };

    private static Tensor Build(JsonElement golden)
    {
        var shape = golden.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()).ToArray();
        var data = golden.GetProperty("data").EnumerateArray().Select(Number).ToArray();
        switch (golden.GetProperty("dtype").GetString())
        {
            case "float32": return Torch.FromArray(data.Select(v => (float)v).ToArray(), shape);
            case "float64": return Torch.FromArray(data, shape);
            case "int64": return Torch.FromArray(data.Select(v => (long)v).ToArray(), shape);
            case "int32": return Torch.FromArray(data.Select(v => (int)v).ToArray(), shape);
            case "uint8": return Torch.FromArray(data.Select(v => (byte)v).ToArray(), shape);
            case "bool": return Torch.FromArray(data.Select(v => v != 0).ToArray(), shape);
            case "float16":
            case "bfloat16":
            {
                // The values are exactly representable in the 16-bit type: the conversion is lossless.
                using var wide = Torch.FromArray(data.Select(v => (float)v).ToArray(), shape);
                return wide.To(golden.GetProperty("dtype").GetString() == "float16" ? DType.Float16 : DType.BFloat16);
            }

            default: throw new NotSupportedException(golden.GetProperty("dtype").GetString());
        }
    }
}
