using FastAV.Live.Torch;

namespace FastAV.Live.Models.Loading;

/// <summary>
/// One tensor's entry in a safetensors header: element type, shape, and its byte range
/// [<see cref="Begin"/>, <see cref="End"/>) within the data section that follows the header.
/// </summary>
public sealed record SafetensorsTensorInfo(string Name, string DTypeName, DType DType, long[] Shape, long Begin, long End)
{
    public long ByteLength => End - Begin;

    public long ElementCount => Shape.Aggregate(1L, (n, d) => n * d);
}
