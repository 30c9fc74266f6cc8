using System.Text;

namespace FastAV.Live.Server.Tests.Hostile;

/// <summary>
/// Decodes HPACK header blocks (RFC 7541): indexed fields, literals with incremental / without / never
/// indexing, dynamic table size updates, Huffman strings. One decoder per connection and direction:
/// blocks must be decoded in the order they arrived. Malformed input throws <see cref="InvalidDataException"/>.
/// </summary>
public sealed class HpackDecoder(int maxTableSize = 4096)
{
    /// <summary>Per-entry overhead counted in the table size (RFC 7541 §4.1).</summary>
    private const int EntryOverhead = 32;

    // Newest entry first: dynamic index 1 is entry 0.
    private readonly List<(string Name, string Value)> _dynamic = [];
    private int _tableSize;
    private readonly int _maxTableSize = maxTableSize;
    private int _tableCapacity = maxTableSize;

    /// <summary>Bytes the dynamic table holds now, as RFC 7541 counts them.</summary>
    public int DynamicTableSize => _tableSize;

    public int DynamicTableCount => _dynamic.Count;

    public List<KeyValuePair<string, string>> Decode(ReadOnlySpan<byte> block)
    {
        var fields = new List<KeyValuePair<string, string>>();
        var position = 0;
        var fieldSeen = false;
        while (position < block.Length)
        {
            var first = block[position];
            if ((first & 0x80) != 0)
            {
                // Indexed header field: 1xxxxxxx.
                var index = ReadInteger(block, ref position, 7);
                fields.Add(ToPair(Lookup(index)));
                fieldSeen = true;
            }
            else if ((first & 0xC0) == 0x40)
            {
                // Literal with incremental indexing: 01xxxxxx.
                var field = ReadLiteral(block, ref position, 6);
                fields.Add(ToPair(field));
                Insert(field);
                fieldSeen = true;
            }
            else if ((first & 0xE0) == 0x20)
            {
                // Dynamic table size update: 001xxxxx, only before the first field of a block (§4.2).
                if (fieldSeen)
                {
                    throw new InvalidDataException("HPACK dynamic table size update after a header field.");
                }

                var size = ReadInteger(block, ref position, 5);
                if (size > _maxTableSize)
                {
                    throw new InvalidDataException($"HPACK dynamic table size update to {size} exceeds the limit {_maxTableSize}.");
                }

                _tableCapacity = (int)size;
                Evict(0);
            }
            else
            {
                // Literal without indexing (0000xxxx) or never indexed (0001xxxx).
                fields.Add(ToPair(ReadLiteral(block, ref position, 4)));
                fieldSeen = true;
            }
        }

        return fields;
    }

    private (string Name, string Value) ReadLiteral(ReadOnlySpan<byte> block, ref int position, int prefixBits)
    {
        var nameIndex = ReadInteger(block, ref position, prefixBits);
        var name = nameIndex == 0 ? ReadString(block, ref position) : Lookup(nameIndex).Name;
        var value = ReadString(block, ref position);
        return (name, value);
    }

    private (string Name, string Value) Lookup(long index)
    {
        if (index <= 0)
        {
            throw new InvalidDataException("HPACK index 0 is not valid.");
        }

        if (index <= HpackStaticTable.Count)
        {
            return HpackStaticTable.Get((int)index);
        }

        var dynamicIndex = index - HpackStaticTable.Count - 1;
        if (dynamicIndex >= _dynamic.Count)
        {
            throw new InvalidDataException($"HPACK index {index} is beyond the tables ({HpackStaticTable.Count} static, {_dynamic.Count} dynamic).");
        }

        return _dynamic[(int)dynamicIndex];
    }

    private void Insert((string Name, string Value) field)
    {
        var size = EntrySize(field);
        if (size > _tableCapacity)
        {
            // An entry larger than the table empties it and is not added (§4.4).
            _dynamic.Clear();
            _tableSize = 0;
            return;
        }

        Evict(size);
        _dynamic.Insert(0, field);
        _tableSize += size;
    }

    /// <summary>Drops the oldest entries until <paramref name="room"/> more bytes fit.</summary>
    private void Evict(int room)
    {
        while (_dynamic.Count > 0 && _tableSize + room > _tableCapacity)
        {
            _tableSize -= EntrySize(_dynamic[^1]);
            _dynamic.RemoveAt(_dynamic.Count - 1);
        }
    }

    private static int EntrySize((string Name, string Value) field) =>
        Encoding.Latin1.GetByteCount(field.Name) + Encoding.Latin1.GetByteCount(field.Value) + EntryOverhead;

    private static string ReadString(ReadOnlySpan<byte> block, ref int position)
    {
        if (position >= block.Length)
        {
            throw new InvalidDataException("HPACK string literal missing.");
        }

        var huffman = (block[position] & 0x80) != 0;
        var length = ReadInteger(block, ref position, 7);
        if (length > block.Length - position)
        {
            throw new InvalidDataException($"HPACK string literal of {length} bytes overruns the block.");
        }

        var raw = block.Slice(position, (int)length);
        position += (int)length;
        return Encoding.Latin1.GetString(huffman ? HpackHuffman.Decode(raw) : raw);
    }

    /// <summary>An N-bit-prefix integer (RFC 7541 §5.1).</summary>
    public static long ReadInteger(ReadOnlySpan<byte> block, ref int position, int prefixBits)
    {
        if (position >= block.Length)
        {
            throw new InvalidDataException("HPACK integer missing.");
        }

        var mask = (1 << prefixBits) - 1;
        long value = block[position++] & mask;
        if (value < mask)
        {
            return value;
        }

        var shift = 0;
        while (true)
        {
            if (position >= block.Length)
            {
                throw new InvalidDataException("HPACK integer truncated.");
            }

            var b = block[position++];
            value += (long)(b & 0x7F) << shift;
            shift += 7;
            if ((b & 0x80) == 0)
            {
                return value;
            }

            if (shift > 28)
            {
                throw new InvalidDataException("HPACK integer too large.");
            }
        }
    }

    private static KeyValuePair<string, string> ToPair((string Name, string Value) field) => new(field.Name, field.Value);
}
