using System.Collections;
using System.Text;

namespace FastAV.Live.Grpc;

/// <summary>
/// Custom headers or trailers of a call. Keys are lower-case ASCII ([0-9a-z_.-]); keys ending in
/// "-bin" carry bytes (base64 on the wire), all others printable ASCII strings. Order is kept.
/// </summary>
public sealed class Metadata : IList<Metadata.Entry>
{
    public const string BinaryHeaderSuffix = "-bin";

    private readonly List<Entry> _entries = [];

    public static Metadata Empty => new();

    public int Count => _entries.Count;

    public bool IsReadOnly => false;

    public Entry this[int index]
    {
        get => _entries[index];
        set => _entries[index] = value;
    }

    public void Add(string key, string value) => _entries.Add(new Entry(key, value));

    public void Add(string key, byte[] valueBytes) => _entries.Add(new Entry(key, valueBytes));

    public void Add(Entry item) => _entries.Add(item);

    /// <summary>The last entry with this key, or null.</summary>
    public Entry? Get(string key)
    {
        for (var i = _entries.Count - 1; i >= 0; i--)
        {
            if (string.Equals(_entries[i].Key, key, StringComparison.OrdinalIgnoreCase))
            {
                return _entries[i];
            }
        }

        return null;
    }

    public string? GetValue(string key) => Get(key)?.Value;

    public byte[]? GetValueBytes(string key) => Get(key)?.ValueBytes;

    public IEnumerable<Entry> GetAll(string key) =>
        _entries.Where(e => string.Equals(e.Key, key, StringComparison.OrdinalIgnoreCase));

    public void Clear() => _entries.Clear();

    public bool Contains(Entry item) => _entries.Contains(item);

    public void CopyTo(Entry[] array, int arrayIndex) => _entries.CopyTo(array, arrayIndex);

    public IEnumerator<Entry> GetEnumerator() => _entries.GetEnumerator();

    public int IndexOf(Entry item) => _entries.IndexOf(item);

    public void Insert(int index, Entry item) => _entries.Insert(index, item);

    public bool Remove(Entry item) => _entries.Remove(item);

    public void RemoveAt(int index) => _entries.RemoveAt(index);

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>True for keys that end in "-bin" (binary values).</summary>
    public static bool IsBinaryKey(string key) => key.EndsWith(BinaryHeaderSuffix, StringComparison.OrdinalIgnoreCase);

    /// <summary>One key with a string or a binary value.</summary>
    public sealed class Entry
    {
        private readonly string? _value;
        private readonly byte[]? _valueBytes;

        public Entry(string key, string value)
        {
            Key = NormalizeKey(key);
            if (IsBinary)
            {
                throw new ArgumentException($"Key '{key}' ends in '-bin' and needs a byte[] value.", nameof(key));
            }

            ArgumentNullException.ThrowIfNull(value);
            foreach (var c in value)
            {
                if (c < 0x20 || c > 0x7E)
                {
                    throw new ArgumentException($"Metadata value of '{key}' must be printable ASCII.", nameof(value));
                }
            }

            _value = value;
        }

        public Entry(string key, byte[] valueBytes)
        {
            Key = NormalizeKey(key);
            if (!IsBinary)
            {
                throw new ArgumentException($"Key '{key}' carries bytes and must end in '-bin'.", nameof(key));
            }

            _valueBytes = valueBytes ?? throw new ArgumentNullException(nameof(valueBytes));
        }

        public string Key { get; }

        public bool IsBinary => IsBinaryKey(Key);

        /// <summary>The string value; for a binary entry, its bytes as Latin-1 are not given: use ValueBytes.</summary>
        public string Value => _value ?? throw new InvalidOperationException($"Entry '{Key}' is binary: read ValueBytes.");

        public byte[] ValueBytes => _valueBytes ?? Encoding.ASCII.GetBytes(_value!);

        public override string ToString() => IsBinary ? $"{Key}=[{_valueBytes!.Length} bytes]" : $"{Key}={_value}";

        private static string NormalizeKey(string key)
        {
            ArgumentException.ThrowIfNullOrEmpty(key);
            var lower = key.ToLowerInvariant();
            foreach (var c in lower)
            {
                var ok = c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' or '_' or '.';
                if (!ok)
                {
                    throw new ArgumentException($"Metadata key '{key}' has an invalid character '{c}'.", nameof(key));
                }
            }

            return lower;
        }
    }
}
