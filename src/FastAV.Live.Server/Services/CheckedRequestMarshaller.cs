using System.Reflection;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Grpc.Core;

namespace FastAV.Live.Server.Services;

/// <summary>
/// A request marshaller around the generated one: bytes that are not a valid encoding of the request (garbage,
/// truncated, a wrong type) end the call with INVALID_ARGUMENT naming the message, and a string field whose bytes
/// are not UTF-8 with INVALID_ARGUMENT naming the field — as the contract says, where the library alone answers
/// UNKNOWN "Exception was thrown by handler." (Google.Protobuf 3.36 refuses invalid UTF-8 without naming the field;
/// older versions replaced it with U+FFFD, so the check runs on parsed messages too.)
/// </summary>
public static class CheckedRequestMarshaller
{
    public static Marshaller<T> Wrap<T>(Marshaller<T> generated)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(generated);
        var name = typeof(T).Name;
        var descriptor = typeof(T).GetProperty("Descriptor", BindingFlags.Public | BindingFlags.Static)?.GetValue(null) as MessageDescriptor;
        return Marshallers.Create(generated.ContextualSerializer, context =>
        {
            var payload = context.PayloadAsReadOnlySequence();
            T message;
            try
            {
                message = generated.ContextualDeserializer(context);
            }
            catch (InvalidProtocolBufferException ex)
            {
                ThrowIfNotUtf8(descriptor, payload);
                throw new RpcException(new Status(StatusCode.InvalidArgument, $"{name}: not a valid protobuf encoding of {name} ({ex.Message})"));
            }

            ThrowIfNotUtf8(descriptor, payload);
            return message;
        });
    }

    private static void ThrowIfNotUtf8(MessageDescriptor? descriptor, System.Buffers.ReadOnlySequence<byte> payload)
    {
        if (descriptor is not null && Utf8FieldCheck.FindInvalid(descriptor, payload) is { } field)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"{field}: not valid UTF-8 (proto3 strings are UTF-8)"));
        }
    }
}
