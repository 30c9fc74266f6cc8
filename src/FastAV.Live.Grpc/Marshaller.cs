using System.Buffers;
using Google.Protobuf;

namespace FastAV.Live.Grpc;

/// <summary>Turns messages into bytes and back.</summary>
public sealed class Marshaller<T>(Func<T, byte[]> serializer, Func<ReadOnlySequence<byte>, T> deserializer)
{
    public Func<T, byte[]> Serializer { get; } = serializer;

    public Func<ReadOnlySequence<byte>, T> Deserializer { get; } = deserializer;
}

/// <summary>Marshallers for protobuf messages.</summary>
public static class Marshallers
{
    public static Marshaller<T> Protobuf<T>(MessageParser<T> parser)
        where T : IMessage<T> =>
        new(m => m.ToByteArray(), bytes => parser.ParseFrom(bytes));
}
