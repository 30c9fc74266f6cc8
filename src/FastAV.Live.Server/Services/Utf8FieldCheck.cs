using System.Buffers;
using System.Text.Unicode;
using Google.Protobuf.Reflection;

namespace FastAV.Live.Server.Services;

/// <summary>
/// Finds a string field whose bytes are not UTF-8, in a message's wire encoding. Google.Protobuf decodes invalid
/// UTF-8 into U+FFFD without a word, so a question "Is \xff anyone there?" would be answered as another question;
/// proto3 says strings are UTF-8, so the raw bytes are checked here, by the message's descriptor (every string field,
/// nested messages and map entries included). It also names the field when the parser refused the message for its
/// UTF-8 ("String is invalid UTF-8." says which message, not which field); bytes that are not a valid encoding at all
/// end the walk with no answer (the parser's message stands).
/// </summary>
public static class Utf8FieldCheck
{
    // The parser's own recursion limit is 100; contract messages nest a few levels.
    private const int MaxDepth = 100;

    /// <summary>The field's path ("StreamRequest.question.text"), or null when every string is UTF-8.</summary>
    public static string? FindInvalid(MessageDescriptor descriptor, ReadOnlySequence<byte> payload)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        var reader = new SequenceReader<byte>(payload);
        return Walk(descriptor, ref reader, descriptor.Name, 0);
    }

    private static string? Walk(MessageDescriptor descriptor, ref SequenceReader<byte> reader, string path, int depth)
    {
        Dictionary<int, int>? occurrences = null;
        while (!reader.End)
        {
            var tag = ReadVarint(ref reader);
            var number = (int)(tag >> 3);
            switch ((int)(tag & 7))
            {
                case 0:
                    ReadVarint(ref reader);
                    break;
                case 1 when reader.Remaining >= 8:
                    reader.Advance(8);
                    break;
                case 5 when reader.Remaining >= 4:
                    reader.Advance(4);
                    break;
                case 3 when depth < MaxDepth:
                    SkipGroup(ref reader, number, depth + 1);
                    break;
                case 2:
                    var length = (long)ReadVarint(ref reader);
                    if (length < 0 || length > reader.Remaining)
                    {
                        return null;
                    }

                    var bytes = reader.UnreadSequence.Slice(0, length);
                    reader.Advance(length);
                    var field = descriptor.FindFieldByNumber(number);
                    if (field is null || field.FieldType is not (FieldType.String or FieldType.Message) || depth >= MaxDepth)
                    {
                        break;
                    }

                    var name = path + "." + field.Name;
                    if (field.IsRepeated && !field.IsMap)
                    {
                        occurrences ??= [];
                        var index = occurrences.GetValueOrDefault(number);
                        occurrences[number] = index + 1;
                        name += $"[{index}]";
                    }

                    if (field.FieldType == FieldType.String)
                    {
                        if (!IsUtf8(bytes))
                        {
                            return name;
                        }
                    }
                    else
                    {
                        var inner = new SequenceReader<byte>(bytes);
                        if (Walk(field.MessageType, ref inner, name, depth + 1) is { } invalid)
                        {
                            return invalid;
                        }
                    }

                    break;
                default:
                    // Not a valid encoding here (end-group outside a group, wire type 6 or 7, cut short): nothing more to check.
                    return null;
            }
        }

        return null;
    }

    private static bool IsUtf8(ReadOnlySequence<byte> bytes) =>
        bytes.IsSingleSegment ? Utf8.IsValid(bytes.FirstSpan) : Utf8.IsValid(bytes.ToArray());

    /// <summary>Skips a group's fields up to its end tag; on anything malformed, skips to the end (the walk then stops).</summary>
    private static void SkipGroup(ref SequenceReader<byte> reader, int number, int depth)
    {
        while (!reader.End)
        {
            var tag = ReadVarint(ref reader);
            var wire = (int)(tag & 7);
            var length = wire switch
            {
                0 => 0,
                1 => 8,
                5 => 4,
                2 => (long)ReadVarint(ref reader),
                _ => -1,
            };
            if (wire == 3 && depth < MaxDepth)
            {
                SkipGroup(ref reader, (int)(tag >> 3), depth + 1);
            }
            else if (wire == 4 && (int)(tag >> 3) == number)
            {
                return;
            }
            else if (wire == 0)
            {
                ReadVarint(ref reader);
            }
            else if (length >= 0 && length <= reader.Remaining)
            {
                reader.Advance(length);
            }
            else
            {
                reader.AdvanceToEnd();
                return;
            }
        }
    }

    private static ulong ReadVarint(ref SequenceReader<byte> reader)
    {
        ulong value = 0;
        for (var shift = 0; shift < 64 && reader.TryRead(out var b); shift += 7)
        {
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                break;
            }
        }

        return value;
    }
}
