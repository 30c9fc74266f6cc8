using System.Buffers;
using Google.Protobuf;

namespace FastAV.Live.Grpc;

/// <summary>
/// Turns messages into bytes and back. A marshaller that also knows a message's size and can write it
/// into a buffer writer lets uncompressed messages go straight into the transport's buffers, with no
/// intermediate array (which, for messages over 85 KB, would be a large-object-heap allocation each).
/// </summary>
public sealed class Marshaller<T>(
    Func<T, byte[]> serializer,
    Func<ReadOnlySequence<byte>, T> deserializer,
    Func<T, int>? sizer = null,
    Action<T, IBufferWriter<byte>>? bufferSerializer = null)
{
    public Func<T, byte[]> Serializer { get; } = serializer;

    public Func<ReadOnlySequence<byte>, T> Deserializer { get; } = deserializer;

    /// <summary>The serialized size of a message, when known without serializing it.</summary>
    public Func<T, int>? Sizer { get; } = sizer;

    /// <summary>Serializes into a buffer writer; writes exactly <see cref="Sizer"/> bytes.</summary>
    public Action<T, IBufferWriter<byte>>? BufferSerializer { get; } = bufferSerializer;
}

/// <summary>Marshallers for protobuf messages.</summary>
public static class Marshallers
{
    public static Marshaller<T> Protobuf<T>(MessageParser<T> parser)
        where T : IMessage<T> =>
        new(m => m.ToByteArray(), bytes => parser.ParseFrom(bytes), m => m.CalculateSize(), (m, writer) => m.WriteTo(writer));
}
