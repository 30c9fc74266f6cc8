using System.Text;

namespace FastAV.Live.Models.Tokenization;

/// <summary>
/// A Hugging Face tokenizer.json byte-level BPE tokenizer (GPT-2 / Qwen2 / LLaMA-3 style): added tokens are cut out
/// first, each remaining section is normalized (NFC for Qwen2), split by the pre-tokenizer pattern, mapped to UTF-8
/// bytes and merged by rank. Thread-safe.
/// </summary>
public sealed class BpeTokenizer
{
    private static readonly UTF8Encoding s_utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);

    private readonly TokenEntry[] _entries;
    private readonly Dictionary<string, int> _idsByToken;
    private readonly AddedTokenSplitter _splitter;
    private readonly BpeModel _model;
    private readonly SplitPattern? _pattern;
    private readonly Func<string, string>? _normalizer;

    internal BpeTokenizer(TokenEntry[] entries, Dictionary<string, int> idsByToken, IReadOnlyList<AddedToken> addedTokens,
        BpeModel model, SplitPattern? pattern, Func<string, string>? normalizer)
    {
        _entries = entries;
        _idsByToken = idsByToken;
        AddedTokens = addedTokens;
        _splitter = new AddedTokenSplitter(addedTokens);
        _model = model;
        _pattern = pattern;
        _normalizer = normalizer;
    }

    /// <summary>One more than the largest token id (vocabulary and added tokens).</summary>
    public int VocabSize => _entries.Length;

    public IReadOnlyList<AddedToken> AddedTokens { get; }

    /// <summary>Loads a tokenizer.json, or the tokenizer.json inside a model directory.</summary>
    public static BpeTokenizer Load(string path, TokenizerOptions? options = null) => TokenizerJsonReader.Load(path, options);

    /// <summary>Parses tokenizer.json content; <paramref name="sourceName"/> names it in errors.</summary>
    public static BpeTokenizer FromJson(ReadOnlySpan<byte> json, string sourceName = "tokenizer.json", TokenizerOptions? options = null) =>
        TokenizerJsonReader.Parse(json, sourceName, options ?? new TokenizerOptions());

    /// <summary>The id of a token's string form (a byte-level vocabulary entry or an added token's content).</summary>
    public bool TryGetId(string token, out int id) => _idsByToken.TryGetValue(token, out id);

    /// <summary>The id of a token that must exist (special tokens named by a model's configuration).</summary>
    public int GetId(string token) => TryGetId(token, out var id)
        ? id
        : throw new KeyNotFoundException($"token '{token}' is not in the tokenizer's vocabulary or added tokens");

    /// <summary>The added token with this id, if it is one.</summary>
    public AddedToken? AddedTokenOf(int id) => EntryOf(id).Added;

    /// <summary>
    /// Token ids of <paramref name="text"/>. With <paramref name="allowAddedTokens"/> false the text is encoded as
    /// plain text even where it spells an added token (for user input that must not inject control tokens).
    /// </summary>
    public int[] Encode(string text, bool allowAddedTokens = true)
    {
        var ids = new List<int>(text.Length / 3 + 4);
        Encode(text, ids, allowAddedTokens);
        return [.. ids];
    }

    public void Encode(string text, List<int> output, bool allowAddedTokens = true)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(output);
        if (!allowAddedTokens || _splitter.IsEmpty)
        {
            EncodePlain(text, output);
            return;
        }

        var sections = _splitter.Split(text);
        var texts = new string?[sections.Count];
        for (var i = 0; i < sections.Count; i++)
        {
            texts[i] = sections[i].Token is null ? text.Substring(sections[i].Start, sections[i].Length) : null;
        }

        for (var i = 0; i < sections.Count; i++)
        {
            if (sections[i].Token is not { } token)
            {
                continue;
            }

            if (token.Lstrip && i > 0 && texts[i - 1] is { } before)
            {
                texts[i - 1] = before.TrimEnd(WhitespaceChars);
            }

            if (token.Rstrip && i + 1 < sections.Count && texts[i + 1] is { } after)
            {
                texts[i + 1] = after.TrimStart(WhitespaceChars);
            }
        }

        for (var i = 0; i < sections.Count; i++)
        {
            if (sections[i].Token is { } token)
            {
                output.Add(token.Id);
            }
            else
            {
                EncodePlain(texts[i]!, output);
            }
        }
    }

    /// <summary>
    /// Encodes the concatenation of <paramref name="segments"/> as one text, looking for added tokens only in
    /// segments that allow them: plain text on both sides of a boundary is merged by BPE as if it were one string
    /// (so a rendered template and the user text in it tokenize as the whole prompt would).
    /// </summary>
    public void EncodeSegments(IReadOnlyList<(string Text, bool AllowAddedTokens)> segments, List<int> output)
    {
        ArgumentNullException.ThrowIfNull(segments);
        ArgumentNullException.ThrowIfNull(output);
        var plain = new StringBuilder();
        foreach (var (text, allow) in segments)
        {
            if (!allow || _splitter.IsEmpty)
            {
                plain.Append(text);
                continue;
            }

            foreach (var (start, length, token) in _splitter.Split(text))
            {
                if (token is null)
                {
                    plain.Append(text, start, length);
                    continue;
                }

                EncodePlain(plain.ToString(), output);
                plain.Clear();
                output.Add(token.Id);
            }
        }

        EncodePlain(plain.ToString(), output);
    }

    /// <summary>The text of <paramref name="ids"/>; invalid UTF-8 (a character cut off) becomes U+FFFD.</summary>
    public string Decode(ReadOnlySpan<int> ids, bool skipSpecialTokens = false)
    {
        var text = new StringBuilder();
        var bytes = new List<byte>(ids.Length * 4);
        foreach (var id in ids)
        {
            var entry = EntryOf(id);
            if (entry.Added is { } added)
            {
                if (skipSpecialTokens && added.Special)
                {
                    continue;
                }

                FlushBytes(bytes, text);
                text.Append(added.Content);
            }
            else
            {
                bytes.AddRange(entry.Bytes);
            }
        }

        FlushBytes(bytes, text);
        return text.ToString();
    }

    /// <summary>A decoder for one stream of generated tokens (<see cref="StreamingDecoder"/>).</summary>
    public StreamingDecoder CreateStreamingDecoder(bool skipSpecialTokens = false) => new(this, skipSpecialTokens);

    internal TokenEntry EntryOf(int id)
    {
        if ((uint)id >= (uint)_entries.Length || _entries[id] is not { } entry)
        {
            throw new ArgumentOutOfRangeException(nameof(id), id, $"token id {id} is not in the tokenizer (ids 0..{_entries.Length - 1})");
        }

        return entry;
    }

    // ECMAScript whitespace (what trimStart/trimEnd remove beside lstrip/rstrip added tokens).
    private static readonly char[] WhitespaceChars =
    [
        '\t', '\n', '\v', '\f', '\r', ' ', '\u00A0', '\u1680', '\u2000', '\u2001', '\u2002', '\u2003', '\u2004', '\u2005',
        '\u2006', '\u2007', '\u2008', '\u2009', '\u200A', '\u2028', '\u2029', '\u202F', '\u205F', '\u3000', '\uFEFF',
    ];

    private static void FlushBytes(List<byte> bytes, StringBuilder text)
    {
        if (bytes.Count > 0)
        {
            text.Append(s_utf8.GetString(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(bytes)));
            bytes.Clear();
        }
    }

    private void EncodePlain(string text, List<int> output)
    {
        if (_normalizer is not null)
        {
            text = _normalizer(text);
        }

        if (text.Length == 0)
        {
            return;
        }

        if (_pattern is null)
        {
            EncodePiece(text, output);
            return;
        }

        var pieces = new List<(int Start, int Length)>();
        _pattern.Split(text, pieces);
        foreach (var (start, length) in pieces)
        {
            EncodePiece(text.Substring(start, length), output);
        }
    }

    private void EncodePiece(string piece, List<int> output)
    {
        var max = s_utf8.GetMaxByteCount(piece.Length);
        var buffer = max <= 1024 ? stackalloc byte[max] : new byte[max];
        var n = s_utf8.GetBytes(piece, buffer);
        _model.Encode(buffer[..n], piece, output);
    }
}
