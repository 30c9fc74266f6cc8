namespace FastAV.Live.Torch;

/// <summary>Maps .NET element types to <see cref="DType"/> for copies between spans and tensors.</summary>
internal static class ElementType
{
    public static DType Of<T>()
        where T : unmanaged
    {
        if (typeof(T) == typeof(float)) return DType.Float32;
        if (typeof(T) == typeof(double)) return DType.Float64;
        if (typeof(T) == typeof(Half)) return DType.Float16;
        if (typeof(T) == typeof(long)) return DType.Int64;
        if (typeof(T) == typeof(int)) return DType.Int32;
        if (typeof(T) == typeof(byte)) return DType.UInt8;
        if (typeof(T) == typeof(bool)) return DType.Bool;
        throw new NotSupportedException($"{typeof(T).Name} has no tensor element type (use float, double, Half, long, int, byte or bool)");
    }

    public static int SizeOf(DType type) => type switch
    {
        DType.UInt8 or DType.Bool => 1,
        DType.Float16 or DType.BFloat16 => 2,
        DType.Int32 or DType.Float32 => 4,
        DType.Int64 or DType.Float64 => 8,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "unknown dtype"),
    };

    public static bool IsFloatingPoint(DType type) =>
        type is DType.Float16 or DType.BFloat16 or DType.Float32 or DType.Float64;
}
