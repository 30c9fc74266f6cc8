using System.Globalization;
using FastAV.Live.Contracts.V1;

namespace FastAV.Live.Cli;

/// <summary>
/// A parsed command line. Grammar (flags in any order after the verb):
///   stream SOURCE [--standing TEXT [--every DURATION]]... [--question TEXT]... [--stream-id ID] [--realtime] [--max-duration DURATION]
///   ask --stream-id ID TEXT [--max-tokens N]
///   ls [--prefix P] [--page-size N]
///   get --stream-id ID
/// and for every verb: --server URL (default $FASTAV_SERVER or http://127.0.0.1:50051), --token T ($FASTAV_TOKEN),
/// --timeout DURATION, --plain.
/// </summary>
public sealed class CliArguments
{
    public const string DefaultServer = "http://127.0.0.1:50051";
    public const string DefaultEvery = "5s";

    public required string Verb { get; init; }

    public string Server { get; private set; } = DefaultServer;

    public string? Token { get; private set; }

    public TimeSpan? Timeout { get; private set; }

    public bool Plain { get; private set; }

    public string? StreamId { get; private set; }

    /// <summary>stream: the file, URL or device; ask: the question text.</summary>
    public string? Positional { get; private set; }

    public List<StandingQuestion> Standing { get; } = [];

    public List<string> Questions { get; } = [];

    public bool RealTime { get; private set; }

    public TimeSpan? MaxDuration { get; private set; }

    public uint MaxTokens { get; private set; }

    public string Prefix { get; private set; } = "";

    public uint PageSize { get; private set; }

    public static string Usage =>
        """
        usage: fastav-cli <verb> [flags]
          stream SOURCE [--standing "question" [--every 5s]]... [--question "question"]... [--stream-id ID] [--realtime] [--max-duration 10s]
                 SOURCE is a file or a URL (rtsp://, http://, ...) libavformat can open, or - for standard input
                 (a capture device: ffmpeg -f v4l2 -i /dev/video0 -c:v libx264 -f mpegts - | fastav-cli stream -)
          ask --stream-id ID "question" [--max-tokens N]
          ls [--prefix P] [--page-size N]
          get --stream-id ID
        every verb: [--server URL] [--token TOKEN] [--timeout DURATION] [--plain]
        """;

    public static CliArguments Parse(IReadOnlyList<string> args, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(environment);
        if (args.Count == 0 || args[0] is "-h" or "--help" or "help")
        {
            throw new CliUsageException("no verb given");
        }

        var verb = args[0];
        if (verb is not ("stream" or "ask" or "ls" or "get"))
        {
            throw new CliUsageException($"unknown verb '{verb}' (verbs: stream, ask, ls, get)");
        }

        var parsed = new CliArguments { Verb = verb };
        parsed.Server = environment("FASTAV_SERVER") is { Length: > 0 } server ? server : DefaultServer;
        parsed.Token = environment("FASTAV_TOKEN") is { Length: > 0 } token ? token : null;
        for (var i = 1; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal) || arg == "--")
            {
                if (parsed.Positional is not null)
                {
                    throw new CliUsageException($"unexpected argument '{arg}' ({verb} takes one {(verb == "ask" ? "question" : "source")}; quote text with spaces)");
                }

                parsed.Positional = arg;
                continue;
            }

            parsed.ApplyFlag(arg, () => ++i < args.Count ? args[i] : throw new CliUsageException($"{arg}: a value is required"));
        }

        parsed.Check();
        return parsed;
    }

    private void ApplyFlag(string flag, Func<string> value)
    {
        switch (flag, Verb)
        {
            case ("--server", _): Server = value(); break;
            case ("--token", _): Token = value(); break;
            case ("--timeout", _): Timeout = DurationText.Parse(flag, value()); break;
            case ("--plain", _): Plain = true; break;
            case ("--stream-id", "stream" or "ask" or "get"): StreamId = value(); break;
            case ("--standing", "stream"):
                var id = "q" + (Standing.Count + 1).ToString(CultureInfo.InvariantCulture);
                Standing.Add(new StandingQuestion { QuestionId = id, Text = value(), IntervalMs = IntervalMs(DurationText.Parse("--every", DefaultEvery)) });
                break;
            case ("--every", "stream"):
                var interval = DurationText.Parse(flag, value());
                if (Standing.Count == 0)
                {
                    throw new CliUsageException("--every: applies to the --standing question before it, and there is none");
                }

                Standing[^1].IntervalMs = IntervalMs(interval);
                break;
            case ("--question", "stream"): Questions.Add(value()); break;
            case ("--realtime", "stream"): RealTime = true; break;
            case ("--max-duration", "stream"): MaxDuration = DurationText.Parse(flag, value()); break;
            case ("--max-tokens", "ask"): MaxTokens = Count(flag, value()); break;
            case ("--prefix", "ls"): Prefix = value(); break;
            case ("--page-size", "ls"): PageSize = Count(flag, value()); break;
            default:
                throw new CliUsageException($"unknown flag '{flag}' for {Verb}");
        }
    }

    private void Check()
    {
        if (!Uri.TryCreate(Server, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.Host.Length == 0)
        {
            throw new CliUsageException($"--server: '{Server}' is not an http:// or https:// URL such as {DefaultServer}");
        }

        switch (Verb)
        {
            case "stream" when string.IsNullOrWhiteSpace(Positional):
                throw new CliUsageException("stream: a SOURCE (file, URL or device) is required");
            case "ask" when string.IsNullOrWhiteSpace(Positional):
                throw new CliUsageException("ask: the question text is required");
            case "ask" or "get" when string.IsNullOrEmpty(StreamId):
                throw new CliUsageException($"{Verb}: --stream-id is required");
            case "ls" or "get" when Positional is not null:
                throw new CliUsageException($"{Verb}: unexpected argument '{Positional}'");
        }
    }

    private static uint IntervalMs(TimeSpan interval) => (uint)Math.Min(uint.MaxValue, Math.Round(interval.TotalMilliseconds));

    private static uint Count(string flag, string text) =>
        uint.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n)
            ? n
            : throw new CliUsageException($"{flag}: '{text}' is not a whole number ≥ 0");
}
