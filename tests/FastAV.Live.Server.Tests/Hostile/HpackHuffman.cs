namespace FastAV.Live.Server.Tests.Hostile;

/// <summary>
/// The Huffman code of HPACK string literals (RFC 7541 Appendix B). The code is canonical: codes are
/// assigned in order of (bit length, symbol), so the 257 bit lengths below define it completely, and
/// decoding walks lengths the way canonical decoders do (count codes per length, compare offsets).
/// </summary>
public static class HpackHuffman
{
    private const int EosSymbol = 256;
    private const int MaxCodeLength = 30;

    /// <summary>Bit length of the code of each symbol 0..255 and EOS (256), RFC 7541 Appendix B.</summary>
    private static readonly byte[] CodeLengths =
    [
        13, 23, 28, 28, 28, 28, 28, 28, 28, 24, 30, 28, 28, 30, 28, 28, // 0..15
        28, 28, 28, 28, 28, 28, 30, 28, 28, 28, 28, 28, 28, 28, 28, 28, // 16..31
        6, 10, 10, 12, 13, 6, 8, 11, 10, 10, 8, 11, 8, 6, 6, 6, // ' ' .. '/'
        5, 5, 5, 6, 6, 6, 6, 6, 6, 6, 7, 8, 15, 6, 12, 10, // '0' .. '?'
        13, 6, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, // '@' .. 'O'
        7, 7, 7, 7, 7, 7, 7, 7, 8, 7, 8, 13, 19, 13, 14, 6, // 'P' .. '_'
        15, 5, 6, 5, 6, 5, 6, 6, 6, 5, 7, 7, 6, 6, 6, 5, // '`' .. 'o'
        6, 7, 6, 5, 5, 6, 7, 7, 7, 7, 7, 15, 11, 14, 13, 28, // 'p' .. 127
        20, 22, 20, 20, 22, 22, 22, 23, 22, 23, 23, 23, 23, 23, 24, 23, // 128..143
        24, 24, 22, 23, 24, 23, 23, 23, 23, 21, 22, 23, 22, 23, 23, 24, // 144..159
        22, 21, 20, 22, 22, 23, 23, 21, 23, 22, 22, 24, 21, 22, 23, 23, // 160..175
        21, 21, 22, 21, 23, 22, 23, 23, 20, 22, 22, 22, 23, 22, 22, 23, // 176..191
        26, 26, 20, 19, 22, 23, 22, 25, 26, 26, 26, 27, 27, 26, 24, 25, // 192..207
        19, 21, 26, 27, 27, 26, 27, 24, 21, 21, 26, 26, 28, 27, 27, 27, // 208..223
        20, 24, 20, 21, 22, 21, 21, 23, 22, 22, 25, 25, 24, 24, 26, 23, // 224..239
        26, 27, 26, 26, 27, 27, 27, 27, 27, 28, 27, 27, 27, 27, 27, 26, // 240..255
        30, // EOS
    ];

    // Canonical decoding tables: how many codes have each length, and the symbols sorted by (length, symbol).
    private static readonly int[] CountPerLength = new int[MaxCodeLength + 1];
    private static readonly int[] SortedSymbols = new int[CodeLengths.Length];
    private static readonly uint[] Codes = new uint[CodeLengths.Length];

#pragma warning disable CA1810 // the tables derive from each other in order; a static constructor says so plainly
    static HpackHuffman()
#pragma warning restore CA1810
    {
        foreach (var length in CodeLengths)
        {
            CountPerLength[length]++;
        }

        var sorted = Enumerable.Range(0, CodeLengths.Length).OrderBy(s => CodeLengths[s]).ThenBy(s => s).ToArray();
        sorted.CopyTo(SortedSymbols, 0);
        uint code = 0;
        var previousLength = CodeLengths[sorted[0]];
        for (var i = 0; i < sorted.Length; i++)
        {
            var length = CodeLengths[sorted[i]];
            if (i > 0)
            {
                code = (code + 1) << (length - previousLength);
            }

            Codes[sorted[i]] = code;
            previousLength = length;
        }
    }

    /// <summary>Decodes a Huffman-coded string; rejects EOS in the data and padding that is not 0..7 one-bits (RFC 7541 §5.2).</summary>
    public static byte[] Decode(ReadOnlySpan<byte> data)
    {
        var output = new List<byte>(data.Length * 8 / 5);
        var code = 0;      // bits of the code being read
        var first = 0;     // first code of the current length
        var index = 0;     // index in SortedSymbols of the first symbol of the current length
        var length = 0;    // bits read into the current code
        var allOnes = true;
        foreach (var octet in data)
        {
            for (var bit = 7; bit >= 0; bit--)
            {
                var b = (octet >> bit) & 1;
                allOnes &= b == 1;
                code = (code << 1) | b;
                length++;
                var count = CountPerLength[length];
                if (code - first < count)
                {
                    var symbol = SortedSymbols[index + (code - first)];
                    if (symbol == EosSymbol)
                    {
                        throw new InvalidDataException("HPACK Huffman data contains EOS.");
                    }

                    output.Add((byte)symbol);
                    code = first = index = length = 0;
                    allOnes = true;
                    continue;
                }

                index += count;
                first = (first + count) << 1;
                if (length >= MaxCodeLength)
                {
                    throw new InvalidDataException("HPACK Huffman code longer than 30 bits.");
                }
            }
        }

        if (length > 7 || !allOnes)
        {
            throw new InvalidDataException("HPACK Huffman padding is not a prefix of EOS of at most 7 bits.");
        }

        return [.. output];
    }

    /// <summary>Encodes octets with the Huffman code, padding the last octet with the EOS prefix (one-bits).</summary>
    public static byte[] Encode(ReadOnlySpan<byte> data)
    {
        var output = new List<byte>(data.Length);
        ulong pending = 0;
        var pendingBits = 0;
        foreach (var octet in data)
        {
            pending = (pending << CodeLengths[octet]) | Codes[octet];
            pendingBits += CodeLengths[octet];
            while (pendingBits >= 8)
            {
                pendingBits -= 8;
                output.Add((byte)(pending >> pendingBits));
            }
        }

        if (pendingBits > 0)
        {
            output.Add((byte)((pending << (8 - pendingBits)) | (0xFFu >> pendingBits)));
        }

        return [.. output];
    }
}
