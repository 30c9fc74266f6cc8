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
/// --ca FILE, --cert FILE [--key FILE], --tenant NAME, --timeout DURATION, --plain. `--help` (or -h) after a verb prints that verb's help (<see cref="UsageOf"/>).
/// </summary>
public sealed class CliArguments
{
    public const string DefaultServer = "http://127.0.0.1:50051";
    public const string DefaultEvery = "5s";

    public required string Verb { get; init; }

    public string Server { get; private set; } = DefaultServer;

    public string? Token { get; private set; }

    /// <summary>--ca: the CA certificate trusted for https:// instead of the system's.</summary>
    public string? CaCertificatePath { get; private set; }

    /// <summary>--cert: the client certificate presented on https:// (PEM with --key, or PFX).</summary>
    public string? ClientCertificatePath { get; private set; }

    /// <summary>--key: the PEM private key of --cert.</summary>
    public string? ClientCertificateKeyPath { get; private set; }

    /// <summary>--tenant: another tenant's streams, for an admin (metadata x-fastav-tenant).</summary>
    public string? Tenant { get; private set; }

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

    public static readonly IReadOnlyList<string> Verbs = ["stream", "ask", "ls", "get"];

    public static string Usage =>
        """
        usage: fastav-cli <verb> [flags]
          stream SOURCE   stream a file, URL or standard input (-) and print the server's responses
          ask             ask a question about a live stream; tokens print as they arrive
          ls              list live streams
          get             one live stream and its stats
        fastav-cli <verb> --help shows the verb's flags and their defaults.
        """ + "\n" + CommonFlags;

    /// <summary>The help of one verb: every flag with its default, then the flags every verb takes.</summary>
    public static string UsageOf(string verb) => verb switch
    {
        "stream" =>
            """
            usage: fastav-cli stream SOURCE [flags]
              Opens a stream with SOURCE's tracks, sends its media, asks the --question questions, and prints every
              response (accepted, answers, stats, warnings) until the server ends the call.
              SOURCE                a file or URL libavformat opens (mp4, mkv, ts, rtsp://, http://, ...), or - for standard input
                                    (a capture device: ffmpeg -f v4l2 -i /dev/video0 -c:v libx264 -f mpegts - | fastav-cli stream -)
              --standing TEXT       a standing question, ids q1, q2, ... in order (repeatable; default none)
              --every DURATION      interval of the --standing question before it, in media time (default 5s)
              --question TEXT       an ad-hoc question asked after the media, ids ask1, ... (repeatable; default none)
              --stream-id ID        the stream's id, [A-Za-z0-9._:-] (default cli-<12 random hex digits>)
              --realtime            send at the media's own rate (default: as fast as the server takes it)
              --max-duration D      stop after this much media time (default: the whole source)
            """,
        "ask" =>
            """
            usage: fastav-cli ask --stream-id ID "question" [flags]
              Asks about a live stream from outside its Stream call; the answer's tokens print as they arrive.
              --stream-id ID        the live stream (required)
              --max-tokens N        most answer tokens (default 0: the server's default, 64)
            """,
        "ls" =>
            """
            usage: fastav-cli ls [flags]
              Lists the live streams of the server (all pages).
              --prefix P            only ids starting with P (default: all)
              --page-size N         streams per call (default 0: the server's default, 100)
            """,
        "get" =>
            """
            usage: fastav-cli get --stream-id ID [flags]
              One live stream: its tracks, settings, standing questions and current stats.
              --stream-id ID        the live stream (required)
            """,
        _ => Usage,
    } + (verb is "stream" or "ask" or "ls" or "get" ? "\n" + CommonFlags : "");

    private static string CommonFlags =>
        $"""
        flags of every verb:
          --server URL          the server (default $FASTAV_SERVER, else {DefaultServer}); https:// is TLS
          --token TOKEN         sent as "authorization: Bearer TOKEN" on every call (default $FASTAV_TOKEN, else none)
          --ca FILE             PEM or DER certificate of the CA to trust for https:// instead of the system's
                                (a self-signed server certificate is its own CA) (default: the system's CAs)
          --cert FILE           client certificate for https:// servers that authenticate by certificate: PEM
                                (with --key) or PFX (default none)
          --key FILE            PEM private key of --cert (default none)
          --tenant NAME         act on tenant NAME's streams (ask, ls, get; needs role admin) as metadata
                                x-fastav-tenant (default: the caller's own tenant; ls of an admin: every tenant)
          --timeout DURATION    the call's deadline: 500ms, 5s, 2m, 1h (default: 30s for ask, ls, get; none for stream)
          --plain               one line per response, even on a terminal (default: a live view on a terminal)
          -h, --help            this help
        exit codes: 0 ok; 1-16 the gRPC status the call ended with; 64 bad command line; 65 unreadable media; 66 source not found
        """;

    /// <summary>The verb whose help the command line asks for ("" for the general help); null when it asks for none.</summary>
    public static string? HelpRequested(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args is ["-h" or "--help" or "help"])
        {
            return "";
        }

        if (args is ["help", var verb, ..])
        {
            return verb;
        }

        return args.Count > 0 && Verbs.Contains(args[0]) && args.Skip(1).Any(a => a is "-h" or "--help") ? args[0] : null;
    }

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
            case ("--ca", _): CaCertificatePath = value(); break;
            case ("--cert", _): ClientCertificatePath = value(); break;
            case ("--key", _): ClientCertificateKeyPath = value(); break;
            case ("--tenant", "ask" or "ls" or "get"): Tenant = value(); break;
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

        if (ClientCertificateKeyPath is not null && ClientCertificatePath is null)
        {
            throw new CliUsageException("--key: belongs to a --cert");
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
