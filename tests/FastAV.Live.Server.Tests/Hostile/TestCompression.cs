using System.IO.Compression;

namespace FastAV.Live.Server.Tests.Hostile;

/// <summary>gzip and deflate (zlib format, as gRPC names it) as a client compresses messages, for raw requests.</summary>
public static class TestCompression
{
    public const string Gzip = "gzip";
    public const string Deflate = "deflate";

    /// <summary>What the server answers in grpc-accept-encoding (identity and its two providers).</summary>
    public const string AcceptEncodingValue = "identity,gzip,deflate";

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
        using (Stream stream = encoding switch
        {
            Gzip => new GZipStream(output, CompressionMode.Compress, leaveOpen: true),
            Deflate => new ZLibStream(output, CompressionMode.Compress, leaveOpen: true),
            _ => throw new ArgumentException($"Unsupported encoding '{encoding}'.", nameof(encoding)),
        })
        {
            stream.Write(data);
        }

        return output.ToArray();
    }
}
