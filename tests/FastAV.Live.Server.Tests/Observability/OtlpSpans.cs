using FastAV.Live.Server.Tests.Observability.Otlp;
using Google.Protobuf;

namespace FastAV.Live.Server.Tests.Observability;

/// <summary>Reading decoded OTLP spans: attributes by key, ids as hex.</summary>
internal static class OtlpSpans
{
    public static string? Attribute(this Span span, string key) => Value(span.Attributes, key);

    public static string? Value(IEnumerable<KeyValue> attributes, string key) =>
        attributes.FirstOrDefault(a => a.Key == key)?.Value is { } v
            ? v.ValueCase switch
            {
                AnyValue.ValueOneofCase.StringValue => v.StringValue,
                AnyValue.ValueOneofCase.IntValue => v.IntValue.ToString(System.Globalization.CultureInfo.InvariantCulture),
                AnyValue.ValueOneofCase.BoolValue => v.BoolValue ? "true" : "false",
                AnyValue.ValueOneofCase.DoubleValue => v.DoubleValue.ToString(System.Globalization.CultureInfo.InvariantCulture),
                _ => null,
            }
            : null;

    public static string Hex(this ByteString id) => Convert.ToHexStringLower(id.Span);
}
