using System.Buffers.Binary;

namespace FastAV.Live.Server.Hosting.Compression;

/// <summary>
/// Tells whether compressed data ended with its format's checksum trailer. .NET's GZipStream and ZLibStream
/// hand back what they inflated so far when the input stops early, without an error, so a truncated message
/// would reach the handler as a shorter one. A complete gzip member ends with CRC-32 and ISIZE (little-endian)
/// of its output; a zlib stream ends with Adler-32 (big-endian) of its output.
/// </summary>
internal static class CompressedTrailer
{
    private static readonly uint[] Crc32Table = CreateCrc32Table();

    public static bool IsComplete(string encoding, ReadOnlySpan<byte> compressed, ReadOnlySpan<byte> inflated) => encoding switch
    {
        "gzip" => IsCompleteGzip(compressed, inflated),
        "deflate" => compressed.Length >= 8 && Adler32(inflated) == BinaryPrimitives.ReadUInt32BigEndian(compressed[^4..]),
        _ => true,
    };

    /// <summary>The trailer describes the last member, whose output is the last ISIZE bytes (gzip members may be concatenated).</summary>
    private static bool IsCompleteGzip(ReadOnlySpan<byte> compressed, ReadOnlySpan<byte> inflated)
    {
        const int MinMemberSize = 20; // 10-byte header, at least 2 bytes of deflate data, 8-byte trailer
        if (compressed.Length < MinMemberSize)
        {
            return false;
        }

        var crc = BinaryPrimitives.ReadUInt32LittleEndian(compressed[^8..]);
        var size = BinaryPrimitives.ReadUInt32LittleEndian(compressed[^4..]);
        return size <= (uint)inflated.Length && Crc32(inflated[^(int)size..]) == crc;
    }

    private static uint Crc32(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFF_FFFFu;
        foreach (var b in data)
        {
            crc = Crc32Table[(crc ^ b) & 0xFF] ^ (crc >> 8);
        }

        return ~crc;
    }

    private static uint Adler32(ReadOnlySpan<byte> data)
    {
        const uint Modulus = 65521;
        uint a = 1, b = 0;
        foreach (var octet in data)
        {
            a = (a + octet) % Modulus;
            b = (b + a) % Modulus;
        }

        return (b << 16) | a;
    }

    /// <summary>CRC-32 as gzip uses it: reflected polynomial 0xEDB88320.</summary>
    private static uint[] CreateCrc32Table()
    {
        var table = new uint[256];
        for (var n = 0u; n < 256; n++)
        {
            var c = n;
            for (var k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB8_8320u ^ (c >> 1) : c >> 1;
            }

            table[n] = c;
        }

        return table;
    }
}
