using System.Buffers;
using System.IO.Compression;
using Grpc.Core;
using Grpc.Net.Compression;

namespace FastAV.Live.Server.Hosting.Compression;

/// <summary>
/// gzip and deflate (zlib format, as gRPC names it) for request and response messages, stricter on input than the
/// library's providers: a message inflating past <c>Grpc:MaxReceiveMessageSize</c> is RESOURCE_EXHAUSTED as soon as
/// it passes the limit (the library inflates whatever arrives, a 4 MiB bomb to 4 GiB); corrupt data is INTERNAL
/// (the library: UNKNOWN); data cut before its checksum trailer is INTERNAL (.NET's inflaters return what they got,
/// so the library accepts a truncated message as a shorter one). An empty message compresses to the format's empty
/// stream, not to zero bytes (<see cref="CompleteCompressionStream"/>).
/// </summary>
public sealed class BoundedCompressionProvider : ICompressionProvider
{
    public const string Gzip = "gzip";
    public const string Deflate = "deflate";

    private const int ChunkBytes = 16 * 1024;
    private readonly int _maxMessageSize;

    public BoundedCompressionProvider(string encodingName, int maxMessageSize)
    {
        if (encodingName is not (Gzip or Deflate))
        {
            throw new ArgumentException($"'{encodingName}' is not gzip or deflate", nameof(encodingName));
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxMessageSize);
        EncodingName = encodingName;
        _maxMessageSize = maxMessageSize;
    }

    public string EncodingName { get; }

    public Stream CreateCompressionStream(Stream stream, CompressionLevel? compressionLevel)
    {
        var compressor = EncodingName == Gzip
            ? (Stream)new GZipStream(stream, compressionLevel ?? CompressionLevel.Fastest, leaveOpen: true)
            : new ZLibStream(stream, compressionLevel ?? CompressionLevel.Fastest, leaveOpen: true);
        return new CompleteCompressionStream(compressor, stream, EncodingName);
    }

    /// <summary>Inflates the whole message at once (the library copies the stream straight into a buffer anyway) and checks it.</summary>
    public Stream CreateDecompressionStream(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var compressed = ReadAll(stream);
        using var input = new MemoryStream(compressed, writable: false);
        using var inflater = EncodingName == Gzip
            ? (Stream)new GZipStream(input, CompressionMode.Decompress)
            : new ZLibStream(input, CompressionMode.Decompress);
        var output = new MemoryStream();
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkBytes);
        try
        {
            int read;
            while ((read = inflater.Read(buffer, 0, buffer.Length)) > 0)
            {
                if (output.Length + read > _maxMessageSize)
                {
                    throw new RpcException(new Status(
                        StatusCode.ResourceExhausted, $"Received message exceeds the maximum configured message size: it inflates past {_maxMessageSize} bytes."));
                }

                output.Write(buffer, 0, read);
            }
        }
        catch (InvalidDataException ex)
        {
            throw new RpcException(new Status(StatusCode.Internal, $"The {EncodingName} message is corrupt: {ex.Message}"));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        if (!CompressedTrailer.IsComplete(EncodingName, compressed, output.GetBuffer().AsSpan(0, (int)output.Length)))
        {
            throw new RpcException(new Status(StatusCode.Internal, $"The {EncodingName} message is truncated: it does not end with its checksum trailer."));
        }

        output.Position = 0;
        return output;
    }

    private static byte[] ReadAll(Stream stream)
    {
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
