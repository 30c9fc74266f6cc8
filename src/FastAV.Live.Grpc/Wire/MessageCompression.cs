using System.Buffers;
using System.IO.Compression;

namespace FastAV.Live.Grpc.Wire;

/// <summary>
/// The message encodings we speak: identity, gzip and deflate (zlib format, as gRPC defines it).
/// Decompression is bounded so a small compressed bomb cannot inflate past the receive limit.
/// </summary>
public static class MessageCompression
{
    public const string Gzip = "gzip";
    public const string Deflate = "deflate";

    /// <summary>Sent as grpc-accept-encoding.</summary>
    public const string AcceptEncodingValue = "identity,gzip,deflate";

    public static bool IsSupported(string encoding) =>
        encoding is GrpcProtocol.IdentityEncoding or Gzip or Deflate;

    /// <summary>True when a comma-separated grpc-accept-encoding value lists the encoding.</summary>
    public static bool IsAccepted(string? acceptEncoding, string encoding)
    {
        if (string.IsNullOrEmpty(acceptEncoding))
        {
            return false;
        }

        foreach (var part in acceptEncoding.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (string.Equals(part, encoding, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Compresses a message. An empty message still becomes a complete stream: .NET's GZipStream and ZLibStream
    /// write nothing at all for empty input, and zero bytes are not valid gzip or zlib data to any peer.
    /// </summary>
    public static byte[] Compress(string encoding, ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
        {
            return encoding switch
            {
                // header (magic, deflate, no flags, no MTIME, XFL 0, OS unknown), empty final block, CRC-32 0, ISIZE 0
                Gzip => [0x1F, 0x8B, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xFF, 0x03, 0x00, 0, 0, 0, 0, 0, 0, 0, 0],
                // header (deflate, 32K window, default level), empty final block, Adler-32 1
                Deflate => [0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01],
                _ => throw new ArgumentException($"Unsupported encoding '{encoding}'.", nameof(encoding)),
            };
        }

        using var output = new MemoryStream(data.Length / 2 + 64);
        using (var stream = CreateStream(encoding, output, CompressionMode.Compress))
        {
            stream.Write(data);
        }

        return output.ToArray();
    }

    /// <summary>
    /// Inflates a message; null when the result would exceed <paramref name="maxSize"/>.
    /// Corrupt or truncated data throws <see cref="InvalidDataException"/>.
    /// </summary>
    public static byte[]? Decompress(string encoding, ReadOnlySequence<byte> data, int maxSize)
    {
        var compressed = data.ToArray();
        using var input = new MemoryStream(compressed, writable: false);
        using var stream = CreateStream(encoding, input, CompressionMode.Decompress);
        using var output = new MemoryStream();
        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            int read;
            while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
            {
                if (output.Length + read > maxSize)
                {
                    return null;
                }

                output.Write(buffer, 0, read);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        var inflated = output.ToArray();
        if (!CompressedTrailer.IsComplete(encoding, compressed, inflated))
        {
            throw new InvalidDataException($"The {encoding} data is truncated: it does not end with its checksum trailer.");
        }

        return inflated;
    }

    private static Stream CreateStream(string encoding, Stream inner, CompressionMode mode) => encoding switch
    {
        Gzip => new GZipStream(inner, mode, leaveOpen: true),
        Deflate => new ZLibStream(inner, mode, leaveOpen: true),
        _ => throw new ArgumentException($"Unsupported encoding '{encoding}'.", nameof(encoding)),
    };
}
