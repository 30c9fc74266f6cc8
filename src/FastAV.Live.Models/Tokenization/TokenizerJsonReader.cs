using System.Text;
using System.Text.Json;

namespace FastAV.Live.Models.Tokenization;

/// <summary>
/// Reads a Hugging Face tokenizer.json into a <see cref="BpeTokenizer"/>, refusing what it cannot reproduce exactly
/// (other models, normalizers and pre-tokenizers) with an error naming the file and the field.
/// </summary>
internal static class TokenizerJsonReader
{
    private const int MaxTokenId = 16_000_000;

    public static BpeTokenizer Load(string path, TokenizerOptions? options)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        options ??= new TokenizerOptions();
        options.Validate();
        var file = Directory.Exists(path) ? Path.Combine(path, "tokenizer.json") : path;
        if (!File.Exists(file))
        {
            throw new FileNotFoundException($"{file}: no tokenizer.json here", file);
        }

        var length = new FileInfo(file).Length;
        if (length > options.MaxFileBytes)
        {
            throw new InvalidDataException($"{file}: {length} bytes is more than the {options.MaxFileBytes} allowed for a tokenizer.json");
        }

        return Parse(File.ReadAllBytes(file), file, options);
    }

    public static BpeTokenizer Parse(ReadOnlySpan<byte> json, string source, TokenizerOptions options)
    {
        options.Validate();
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json.ToArray(), new JsonDocumentOptions { MaxDepth = 32 });
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{source}: not valid JSON ({ex.Message})", ex);
        }

        using (doc)
        {
            try
            {
                return Build(doc.RootElement, source, options);
            }
            catch (Exception ex) when (ex is InvalidOperationException or FormatException or KeyNotFoundException)
            {
                throw new InvalidDataException($"{source}: malformed tokenizer ({ex.Message})", ex);
            }
        }
    }

    private static BpeTokenizer Build(JsonElement root, string source, TokenizerOptions options)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw Bad(source, "the top level is not an object");
        }

        var model = Property(root, "model", source, JsonValueKind.Object);
        var type = OptionalString(model, "type");
        if (type is not null and not "BPE")
        {
            throw new NotSupportedException($"{source}: model type '{type}' is not supported (byte-level BPE only)");
        }

        RequireUnset(model, "dropout", source);
        if (model.TryGetProperty("byte_fallback", out var bf) && bf.ValueKind == JsonValueKind.True)
        {
            throw new NotSupportedException($"{source}: byte_fallback BPE (SentencePiece-style) is not supported");
        }

        foreach (var affix in new[] { "continuing_subword_prefix", "end_of_word_suffix" })
        {
            if (OptionalString(model, affix) is { Length: > 0 } value)
            {
                throw new NotSupportedException($"{source}: model.{affix} '{value}' is not supported");
            }
        }

        // Vocabulary.
        var vocab = Property(model, "vocab", source, JsonValueKind.Object);
        var idsByToken = new Dictionary<string, int>(StringComparer.Ordinal);
        var maxId = -1;
        foreach (var p in vocab.EnumerateObject())
        {
            if (p.Value.ValueKind != JsonValueKind.Number || !p.Value.TryGetInt32(out var id) || id < 0 || id > MaxTokenId)
            {
                throw Bad(source, $"vocab entry '{p.Name}' has id {p.Value} (want an integer 0..{MaxTokenId})");
            }

            if (!idsByToken.TryAdd(p.Name, id))
            {
                throw Bad(source, $"vocab lists '{p.Name}' twice");
            }

            maxId = Math.Max(maxId, id);
        }

        // Added tokens.
        var added = new List<AddedToken>();
        if (root.TryGetProperty("added_tokens", out var addedJson) && addedJson.ValueKind != JsonValueKind.Null)
        {
            if (addedJson.ValueKind != JsonValueKind.Array)
            {
                throw Bad(source, "added_tokens is not an array");
            }

            foreach (var a in addedJson.EnumerateArray())
            {
                var id = a.TryGetProperty("id", out var idJson) && idJson.TryGetInt32(out var v) && v >= 0 && v <= MaxTokenId
                    ? v
                    : throw Bad(source, $"added token {a} has no valid id");
                var content = OptionalString(a, "content");
                if (string.IsNullOrEmpty(content))
                {
                    throw Bad(source, $"added token {id} has no content");
                }

                added.Add(new AddedToken(id, content, Flag(a, "special"), Flag(a, "lstrip"), Flag(a, "rstrip")));
                maxId = Math.Max(maxId, id);
            }
        }

        var entries = new TokenEntry[maxId + 1];
        foreach (var (token, id) in idsByToken)
        {
            if (entries[id] is not null)
            {
                throw Bad(source, $"vocab id {id} is given to two tokens");
            }

            entries[id] = new TokenEntry(ByteLevelBytes(token), null);
        }

        foreach (var a in added)
        {
            entries[a.Id] = new TokenEntry([], a);
            idsByToken[a.Content] = a.Id;
        }

        // The 256 single-byte symbols every byte-level vocabulary holds.
        var byteIds = new int[256];
        for (var b = 0; b < 256; b++)
        {
            var symbol = ByteLevelAlphabet.ToChar((byte)b).ToString();
            byteIds[b] = idsByToken.TryGetValue(symbol, out var id)
                ? id
                : throw Bad(source, $"vocab lacks the byte-level symbol '{symbol}' of byte 0x{b:X2} (not a byte-level BPE vocabulary)");
        }

        var merges = ReadMerges(Property(model, "merges", source, JsonValueKind.Array), idsByToken, source);
        var ignoreMerges = model.TryGetProperty("ignore_merges", out var im) && im.ValueKind == JsonValueKind.True;
        var bpe = new BpeModel(byteIds, merges, ignoreMerges ? idsByToken : null, options.MaxCacheEntries, options.MaxCachedPieceLength);

        var normalizer = ReadNormalizer(root.TryGetProperty("normalizer", out var n) ? n : default, source);
        var pattern = ReadPreTokenizer(root.TryGetProperty("pre_tokenizer", out var pt) ? pt : default, source);
        if (root.TryGetProperty("decoder", out var decoder) && decoder.ValueKind == JsonValueKind.Object
            && OptionalString(decoder, "type") is { } decoderType and not "ByteLevel")
        {
            throw new NotSupportedException($"{source}: decoder '{decoderType}' is not supported (ByteLevel only)");
        }

        return new BpeTokenizer(entries, idsByToken, added, bpe, pattern, normalizer);
    }

    private static Dictionary<long, (int Rank, int Merged)> ReadMerges(JsonElement merges, Dictionary<string, int> ids, string source)
    {
        var result = new Dictionary<long, (int, int)>(merges.GetArrayLength());
        var rank = 0;
        foreach (var m in merges.EnumerateArray())
        {
            string left, right;
            if (m.ValueKind == JsonValueKind.String)
            {
                var s = m.GetString()!;
                var space = s.IndexOf(' ', StringComparison.Ordinal);
                if (space <= 0 || space == s.Length - 1)
                {
                    throw Bad(source, $"merge {rank} '{s}' is not two tokens separated by a space");
                }

                (left, right) = (s[..space], s[(space + 1)..]);
            }
            else if (m.ValueKind == JsonValueKind.Array && m.GetArrayLength() == 2
                     && m[0].ValueKind == JsonValueKind.String && m[1].ValueKind == JsonValueKind.String)
            {
                (left, right) = (m[0].GetString()!, m[1].GetString()!);
            }
            else
            {
                throw Bad(source, $"merge {rank} is neither \"a b\" nor [\"a\", \"b\"]");
            }

            if (!ids.TryGetValue(left, out var l) || !ids.TryGetValue(right, out var r) || !ids.TryGetValue(left + right, out var merged))
            {
                throw Bad(source, $"merge {rank} ('{left}' + '{right}') names a token missing from the vocab");
            }

            result.TryAdd(BpeModel.PairKey(l, r), (rank, merged));
            rank++;
        }

        return result;
    }

    private static Func<string, string>? ReadNormalizer(JsonElement json, string source)
    {
        if (json.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
        {
            return null;
        }

        var steps = new List<Func<string, string>>();
        Collect(json);
        return steps.Count switch
        {
            0 => null,
            1 => steps[0],
            _ => text => steps.Aggregate(text, (t, step) => step(t)),
        };

        void Collect(JsonElement n)
        {
            var type = n.ValueKind == JsonValueKind.Object ? OptionalString(n, "type") : null;
            switch (type)
            {
                case "NFC":
                    steps.Add(UnicodeNormalizer.Nfc);
                    break;
                case "NFD":
                    steps.Add(UnicodeNormalizer.Nfd);
                    break;
                case "Sequence":
                    foreach (var inner in Property(n, "normalizers", source, JsonValueKind.Array).EnumerateArray())
                    {
                        Collect(inner);
                    }

                    break;
                default:
                    throw new NotSupportedException($"{source}: normalizer '{type ?? n.ToString()}' is not supported (NFC, NFD, Sequence)");
            }
        }
    }

    private static SplitPattern? ReadPreTokenizer(JsonElement json, string source)
    {
        if (json.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
        {
            return null;
        }

        SplitPattern? pattern = null;
        Collect(json);
        return pattern;

        void Collect(JsonElement p)
        {
            var type = p.ValueKind == JsonValueKind.Object ? OptionalString(p, "type") : null;
            switch (type)
            {
                case "Sequence":
                    foreach (var inner in Property(p, "pretokenizers", source, JsonValueKind.Array).EnumerateArray())
                    {
                        Collect(inner);
                    }

                    break;
                case "Split":
                    if (pattern is not null)
                    {
                        throw new NotSupportedException($"{source}: more than one Split pre-tokenizer is not supported");
                    }

                    var regex = Property(p, "pattern", source, JsonValueKind.Object).TryGetProperty("Regex", out var r)
                        && r.ValueKind == JsonValueKind.String
                        ? r.GetString()!
                        : throw new NotSupportedException($"{source}: Split pre-tokenizer without a Regex pattern is not supported");
                    var behavior = OptionalString(p, "behavior");
                    if (behavior is not null and not "Isolated" || Flag(p, "invert"))
                    {
                        throw new NotSupportedException($"{source}: Split behavior '{behavior}' (invert {Flag(p, "invert")}) is not supported (Isolated only)");
                    }

                    pattern = SplitPattern.FromRegex(regex);
                    break;
                case "ByteLevel":
                    if (Flag(p, "add_prefix_space"))
                    {
                        throw new NotSupportedException($"{source}: ByteLevel pre-tokenizer with add_prefix_space is not supported");
                    }

                    // use_regex (default true): GPT-2's own split, unless a Split before it already cut the text.
                    if (!p.TryGetProperty("use_regex", out var ur) || ur.ValueKind != JsonValueKind.False)
                    {
                        pattern = pattern is null ? SplitPattern.Gpt2
                            : throw new NotSupportedException($"{source}: a Split pre-tokenizer followed by ByteLevel with use_regex is not supported");
                    }

                    break;
                default:
                    throw new NotSupportedException($"{source}: pre-tokenizer '{type ?? p.ToString()}' is not supported (Sequence, Split, ByteLevel)");
            }
        }
    }

    private static byte[] ByteLevelBytes(string token)
    {
        var bytes = new byte[token.Length];
        for (var i = 0; i < token.Length; i++)
        {
            if (!ByteLevelAlphabet.TryGetByte(token[i], out bytes[i]))
            {
                return Encoding.UTF8.GetBytes(token); // not a byte-level token: its text as is
            }
        }

        return bytes;
    }

    private static JsonElement Property(JsonElement e, string name, string source, JsonValueKind kind) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == kind
            ? v
            : throw Bad(source, $"'{name}' is missing or not {kind.ToString().ToLowerInvariant()}");

    private static string? OptionalString(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static bool Flag(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.True;

    private static void RequireUnset(JsonElement e, string name, string source)
    {
        if (e.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null)
        {
            throw new NotSupportedException($"{source}: model.{name} = {v} is not supported");
        }
    }

    private static InvalidDataException Bad(string source, string message) => new($"{source}: {message}");
}
