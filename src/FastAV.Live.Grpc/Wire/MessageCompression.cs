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

    public static byte[] Compress(string encoding, ReadOnlySpan<byte> data)
    {
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
