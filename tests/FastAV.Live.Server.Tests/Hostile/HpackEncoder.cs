using System.Text;

namespace FastAV.Live.Server.Tests.Hostile;

/// <summary>
/// Encodes header blocks as literals without indexing and with new names, raw (not Huffman) strings:
/// the encoder keeps no state, so any block can be sent on any stream in any order, even a hostile one.
/// </summary>
public static class HpackEncoder
{
    public static byte[] Encode(IEnumerable<KeyValuePair<string, string>> headers)
    {
        var output = new List<byte>();
        foreach (var (name, value) in headers)
        {
            output.Add(0x00); // literal without indexing, new name
            WriteString(output, Encoding.Latin1.GetBytes(name));
            WriteString(output, Encoding.Latin1.GetBytes(value));
        }

        return [.. output];
    }

    /// <summary>An N-bit-prefix integer (RFC 7541 §5.1) whose first octet carries <paramref name="firstOctetFlags"/>.</summary>
    public static void WriteInteger(List<byte> output, long value, int prefixBits, byte firstOctetFlags = 0)
    {
        var max = (1 << prefixBits) - 1;
        if (value < max)
        {
            output.Add((byte)(firstOctetFlags | value));
            return;
        }

        output.Add((byte)(firstOctetFlags | max));
        value -= max;
        while (value >= 0x80)
        {
            output.Add((byte)((value & 0x7F) | 0x80));
            value >>= 7;
        }

        output.Add((byte)value);
    }

    private static void WriteString(List<byte> output, byte[] bytes)
    {
        WriteInteger(output, bytes.Length, 7);
        output.AddRange(bytes);
    }
}
