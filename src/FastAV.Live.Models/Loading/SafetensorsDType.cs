using FastAV.Live.Torch;

namespace FastAV.Live.Models.Loading;

/// <summary>safetensors dtype names and their tensor types and element sizes.</summary>
public static class SafetensorsDType
{
    public static bool TryParse(string name, out DType dtype, out int elementSize)
    {
        (dtype, elementSize) = name switch
        {
            "F32" => (DType.Float32, 4),
            "F16" => (DType.Float16, 2),
            "BF16" => (DType.BFloat16, 2),
            "F64" => (DType.Float64, 8),
            "I64" => (DType.Int64, 8),
            "I32" => (DType.Int32, 4),
            "U8" => (DType.UInt8, 1),
            "BOOL" => (DType.Bool, 1),
            _ => ((DType)(-1), 0),
        };
        return elementSize > 0;
    }

    public static string Supported => "F32, F16, BF16, F64, I64, I32, U8, BOOL";
}
