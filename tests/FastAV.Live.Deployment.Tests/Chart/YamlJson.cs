using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace FastAV.Live.Deployment.Tests.Chart;

/// <summary>
/// YAML documents as System.Text.Json nodes, with plain scalars typed the way Kubernetes' YAML reader
/// types them (null, booleans, integers including 0-prefixed octal, floats); quoted scalars stay strings.
/// A mapping with a repeated key is an error, as it is for the API server.
/// </summary>
public static partial class YamlJson
{
    public static IReadOnlyList<JsonNode?> ParseDocuments(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return stream.Documents.Select(d => ToJson(d.RootNode)).ToList();
    }

    public static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode map => ToObject(map),
        YamlSequenceNode seq => new JsonArray(seq.Children.Select(ToJson).ToArray()),
        YamlScalarNode scalar => ToScalar(scalar),
        _ => throw new NotSupportedException($"YAML node {node.NodeType} at {node.Start}"),
    };

    static JsonObject ToObject(YamlMappingNode map)
    {
        var obj = new JsonObject();
        foreach (var (key, value) in map.Children)
        {
            var name = ((YamlScalarNode)key).Value ?? "";
            if (obj.ContainsKey(name))
            {
                throw new YamlException(key.Start, key.End, $"mapping key '{name}' repeated");
            }
            obj[name] = ToJson(value);
        }
        return obj;
    }

    static JsonNode? ToScalar(YamlScalarNode scalar)
    {
        var text = scalar.Value ?? "";
        if (scalar.Style != ScalarStyle.Plain)
        {
            return JsonValue.Create(text);
        }
        if (text is "" or "~" or "null" or "Null" or "NULL")
        {
            return null;
        }
        if (text is "true" or "True" or "TRUE")
        {
            return JsonValue.Create(true);
        }
        if (text is "false" or "False" or "FALSE")
        {
            return JsonValue.Create(false);
        }
        if (OctalPattern().IsMatch(text))
        {
            return Integer(Convert.ToInt64(text, 8));
        }
        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
        {
            return Integer(integer);
        }
        if (FloatPattern().IsMatch(text))
        {
            return JsonValue.Create(double.Parse(text, CultureInfo.InvariantCulture));
        }
        return JsonValue.Create(text);
    }

    /// <summary>An int when it fits (most Kubernetes fields are int32), else a long.</summary>
    static JsonValue Integer(long value) =>
        value is >= int.MinValue and <= int.MaxValue ? JsonValue.Create((int)value) : JsonValue.Create(value);

    [GeneratedRegex("^0[0-7]+$")]
    private static partial Regex OctalPattern();

    [GeneratedRegex(@"^[-+]?([0-9]+\.[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?$")]
    private static partial Regex FloatPattern();
}
