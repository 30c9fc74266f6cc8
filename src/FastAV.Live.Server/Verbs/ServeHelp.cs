using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using FastAV.Live.Server.Hosting;
using FastAV.Live.Server.Inference;
using FastAV.Live.Server.Streams;

namespace FastAV.Live.Server.Verbs;

/// <summary>
/// <c>fastav --help</c> and <c>fastav serve --help</c>: every setting of the server with its default, read from the
/// options classes themselves (names and defaults by reflection, descriptions from their doc comments in fastav.xml
/// beside the executable), so the help cannot drift from what the server binds.
/// </summary>
public static partial class ServeHelp
{
    /// <summary>The configuration sections the server binds, in the order the help lists them.</summary>
    public static IReadOnlyList<(string Section, Type Options, string[] Hidden)> Sections { get; } =
    [
        (ServerOptions.SectionName, typeof(ServerOptions), []),
        (GrpcOptions.SectionName, typeof(GrpcOptions), []),
        (Http2LimitOptions.SectionName, typeof(Http2LimitOptions), []),
        (LiveAnalyticsOptions.SectionName, typeof(LiveAnalyticsOptions), []),
        (InferenceOptions.SectionName, typeof(InferenceOptions), []),
    ];

    public const string Verbs = """
        usage: fastav [VERB] [options]     (no verb = serve)
          serve       serve fastav.live.v1.LiveAnalytics, grpc.health.v1 and server reflection (fastav serve --help)
          eval        accuracy vs FLOPs of every pruning setting on a held-out set (fastav eval --help)
          calibrate   FastAV's global keep rule by attention rollout (fastav calibrate --help)
          tokenize    text lines on stdin → token ids as JSON lines (fastav tokenize --help)
        """;

    /// <summary>The help text: usage, the shorthand options, then every Section:Key with its default and description.</summary>
    public static string Text(bool withVerbs)
    {
        var docs = Descriptions();
        var text = new StringBuilder();
        if (withVerbs) text.AppendLine(Verbs).AppendLine();
        text.AppendLine("usage: fastav [serve] [--urls ADDRESSES] [--model DIR|none] [--Section:Key VALUE ...]");
        text.AppendLine("Serves until SIGTERM or SIGINT (then drains: see Server:DrainDelay, Server:ShutdownTimeout).");
        text.AppendLine("Every setting is a configuration key: --Section:Key VALUE on the command line, or the environment variable");
        text.AppendLine("FASTAV_Section__Key=VALUE. A bad value stops start-up with one line naming the key (exit code 2).");
        text.AppendLine();
        text.AppendLine("  --urls ADDRESSES      the same as --Server:Urls");
        text.AppendLine("  --model DIR|none      the same as --Inference:Model");
        text.AppendLine("  --help, -h            this help");
        foreach (var (section, type, hidden) in Sections)
        {
            text.AppendLine().AppendLine(section + ":");
            var defaults = Activator.CreateInstance(type)!;
            foreach (var property in Settings(type).Where(p => !hidden.Contains(p.Name)))
            {
                text.Append("  --").Append(section).Append(':').Append(property.Name).Append("   default ").AppendLine(Format(property.GetValue(defaults)));
                if (docs.TryGetValue($"P:{type.FullName}.{property.Name}", out var doc)) Wrap(text, doc, "      ");
            }
        }

        text.AppendLine().AppendLine("Logging:");
        text.AppendLine("  --Logging:LogLevel:Default   default Information");
        Wrap(text, "Standard .NET logging levels (Trace, Debug, Information, Warning, Error, Critical, None), also per category, e.g. "
            + "--Logging:LogLevel:FastAV.Live.Server.Streams.StreamRegistry Warning. Information: streams opened and closed; Warning: "
            + "clock jumps, windows dropped, answers failed; Debug: every warning a client was sent.", "      ");
        return text.ToString();
    }

    /// <summary>The settable properties configuration binding fills, in declaration order.</summary>
    public static IEnumerable<PropertyInfo> Settings(Type options) =>
        options.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite && p.SetMethod!.IsPublic).OrderBy(p => p.MetadataToken);

    private static string Format(object? value) => value switch
    {
        null => "(unset)",
        "" => "(empty)",
        bool b => b ? "true" : "false",
        TimeSpan t => t.ToString("c", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    // <summary> texts by member id ("P:Namespace.Type.Property") from the XML documentation beside the executable; none when it is missing.
    private static Dictionary<string, string> Descriptions()
    {
        var path = Path.ChangeExtension(typeof(ServeHelp).Assembly.Location, ".xml");
        var docs = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!File.Exists(path)) return docs;
        foreach (var member in XDocument.Load(path).Descendants("member"))
        {
            if (member.Attribute("name")?.Value is not { } name || member.Element("summary") is not { } summary) continue;

            // <see cref="T:X.Y.Name"/> → Name; everything else is text.
            var text = string.Concat(summary.Nodes().Select(n => n is XElement e ? ShortName(e) : n.ToString()));
            docs[name] = Spaces().Replace(System.Net.WebUtility.HtmlDecode(text), " ").Trim();
        }

        return docs;
    }

    private static string ShortName(XElement element)
    {
        var reference = element.Attribute("cref")?.Value ?? element.Attribute("name")?.Value ?? element.Value;
        return reference[(reference.LastIndexOf('.') + 1)..];
    }

    private static void Wrap(StringBuilder text, string words, string indent)
    {
        var line = new StringBuilder(indent);
        foreach (var word in words.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.Length + word.Length + 1 > 118 && line.Length > indent.Length)
            {
                text.AppendLine(line.ToString());
                line.Clear().Append(indent);
            }

            if (line.Length > indent.Length) line.Append(' ');
            line.Append(word);
        }

        if (line.Length > indent.Length) text.AppendLine(line.ToString());
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();
}
