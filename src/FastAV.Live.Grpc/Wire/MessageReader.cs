using System.Buffers;
using System.IO.Pipelines;

namespace FastAV.Live.Grpc.Wire;

/// <summary>
/// Reads length-prefixed messages from a pipe, whatever the read boundaries, enforcing the receive
/// limit and the call's encoding. Errors are <see cref="RpcException"/>s with the protocol's status.
/// </summary>
internal sealed class MessageReader(PipeReader reader, int maxMessageSize, string? encoding, string peerRole)
{
    private bool _completed;

    /// <summary>Whether the last message read arrived with the compressed flag set.</summary>
    public bool LastMessageCompressed { get; private set; }

    /// <summary>Reads the next message; (false, default) at the end of the stream.</summary>
    public async ValueTask<(bool HasMessage, T Message)> ReadAsync<T>(Func<ReadOnlySequence<byte>, T> deserialize, CancellationToken cancellationToken)
    {
        if (_completed)
        {
            return (false, default!);
        }

        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            var status = MessageFraming.TryReadFrame(ref buffer, maxMessageSize, out var compressed, out var payload, out var length);
            switch (status)
            {
                case FrameStatus.Complete:
                    LastMessageCompressed = compressed;
                    T message;
                    try
                    {
                        message = Decode(payload, compressed, deserialize);
                    }
                    finally
                    {
                        reader.AdvanceTo(buffer.Start);
                    }

                    return (true, message);

                case FrameStatus.TooLarge:
                    reader.AdvanceTo(result.Buffer.Start);
                    throw new RpcException(new Status(
                        StatusCode.ResourceExhausted,
                        $"Received message exceeds the maximum configured message size ({length} > {maxMessageSize} bytes)."));

                case FrameStatus.BadFlag:
                    reader.AdvanceTo(result.Buffer.Start);
                    throw new RpcException(new Status(StatusCode.Internal, $"Invalid compressed-flag byte in {peerRole} message frame."));

                default:
                    if (result.IsCompleted || result.IsCanceled)
                    {
                        var leftover = result.Buffer.Length;
                        reader.AdvanceTo(result.Buffer.End);
                        _completed = true;
                        if (leftover == 0)
                        {
                            return (false, default!);
                        }

                        throw new RpcException(new Status(
                            StatusCode.Internal, $"Incomplete {peerRole} message: the stream ended inside a frame ({leftover} bytes left)."));
                    }

                    // Nothing consumed; everything examined: wait for more bytes.
                    reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
                    break;
            }
        }
    }

    private T Decode<T>(ReadOnlySequence<byte> payload, bool compressed, Func<ReadOnlySequence<byte>, T> deserialize)
    {
        if (compressed)
        {
            if (encoding is null or GrpcProtocol.IdentityEncoding)
            {
                throw new RpcException(new Status(
                    StatusCode.Internal, $"A compressed {peerRole} message arrived but the call's grpc-encoding is identity."));
            }

            byte[]? inflated;
            try
            {
                inflated = MessageCompression.Decompress(encoding, payload, maxMessageSize);
            }
            catch (InvalidDataException ex)
            {
                throw new RpcException(new Status(StatusCode.Internal, $"Failed to decompress {peerRole} message ({encoding}): {ex.Message}"));
            }

            if (inflated is null)
            {
                throw new RpcException(new Status(
                    StatusCode.ResourceExhausted,
                    $"Received message exceeds the maximum configured message size after decompression (> {maxMessageSize} bytes)."));
            }

            payload = new ReadOnlySequence<byte>(inflated);
        }

        try
        {
            return deserialize(payload);
        }
        catch (Exception ex) when (ex is Google.Protobuf.InvalidProtocolBufferException or InvalidDataException or ArgumentException)
        {
            throw new RpcException(new Status(StatusCode.Internal, $"Failed to deserialize {peerRole} message: {ex.Message}"));
        }
    }
}
