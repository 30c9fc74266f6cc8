using System.IO.Pipelines;

namespace FastAV.Live.Grpc.Wire;

/// <summary>
/// Writes length-prefixed messages to a pipe. One write at a time: a second write while one is
/// pending throws, as the protocol's one-writer rule requires.
/// </summary>
internal sealed class MessageWriter(PipeWriter writer, int maxMessageSize, string? encoding)
{
    private int _writing;

    public async ValueTask WriteAsync<T>(T message, Marshaller<T> marshaller, WriteOptions? options, CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _writing, 1) == 1)
        {
            throw new InvalidOperationException("Only one write can be pending at a time.");
        }

        try
        {
            // Null options mean "compress": (null & NoCompress) == 0 would be false, so test it explicitly.
            var compress = encoding is not null and not GrpcProtocol.IdentityEncoding
                && (options is null || (options.Flags & WriteFlags.NoCompress) == 0);
            if (!compress && marshaller is { Sizer: { } sizer, BufferSerializer: { } serializeInto })
            {
                var size = sizer(message);
                CheckSize(size);
                MessageFraming.WriteHeader(writer, size, compressed: false);
                serializeInto(message, writer);
            }
            else
            {
                var payload = marshaller.Serializer(message);
                CheckSize(payload.Length);
                if (compress)
                {
                    payload = MessageCompression.Compress(encoding!, payload);
                }

                MessageFraming.WriteFrame(writer, payload, compress);
            }

            await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Volatile.Write(ref _writing, 0);
        }
    }

    private void CheckSize(int size)
    {
        if (size > maxMessageSize)
        {
            throw new RpcException(new Status(
                StatusCode.ResourceExhausted,
                $"Sending message exceeds the maximum configured message size ({size} > {maxMessageSize} bytes)."));
        }
    }
}
