using System.Globalization;
using Contract = FastAV.Live.Contracts.V1;

namespace FastAV.Live.LoadTests.Cli;

/// <summary>
/// Every knob of a run, with its default (a scenario fills the ones left unset with its own defaults, listed by
/// --help). <see cref="Parse"/> reads the command line; <see cref="Validate"/> names the flag of a bad value.
/// </summary>
public sealed class LoadOptions
{
    public string Scenario { get; set; } = "";

    /// <summary>HOST:PORT (or an http(s):// URL) of the server; null = start a local `fastav serve`.</summary>
    public string? Target { get; set; }

    /// <summary>Report folder; default reports/SCENARIO/yyyyMMdd-HHmmss under the current directory.</summary>
    public string? Out { get; set; }

    /// <summary>Passed to the local `fastav serve` as --model DIR.</summary>
    public string? Model { get; set; }

    /// <summary>The fastav executable or fastav.dll to start; default the repository's Release build.</summary>
    public string? Fastav { get; set; }

    /// <summary>Port of the local server; 0 = a free one.</summary>
    public int ServePort { get; set; }

    /// <summary>Arguments after "--", passed to `fastav serve` verbatim.</summary>
    public List<string> ServeArguments { get; } = [];

    public int? Streams { get; set; }

    public TimeSpan? Duration { get; set; }

    public TimeSpan? Ramp { get; set; }

    public TimeSpan? WarmUp { get; set; }

    /// <summary>Ask calls per second (ask-storm, smoke).</summary>
    public int? Rate { get; set; }

    public int StandingQuestions { get; set; } = 2;

    public int IntervalMs { get; set; } = 2000;

    public int MaxTokens { get; set; } = 4;

    public Contract.PruningPolicy Policy { get; set; } = Contract.PruningPolicy.Fastav;

    /// <summary>A media file to stream instead of the generated world clip.</summary>
    public string? Media { get; set; }

    public int MediaSeconds { get; set; } = 60;

    /// <summary>Scale of the generated clip, WxH; empty = the world's 32x32.</summary>
    public string VideoSize { get; set; } = "";

    public int Seed { get; set; } = 1;

    public double LateMs { get; set; } = 1000;

    public List<string> Thresholds { get; } = [];

    public bool Live { get; set; } = true;

    public int Channels { get; set; } = 4;

    public int MaxFailCount { get; set; } = 5000;

    public bool RealTime { get; set; } = true;

    /// <summary>Media time per wall-clock time (--speed); 1 = real time.</summary>
    public double Speed { get; set; } = 1;

    /// <summary>soak: where its memory report goes (PREFIX.json, .md, .svg); default OUT/soak.</summary>
    public string? Results { get; set; }

    /// <summary>soak: the server figures whose drift after warm-up decides the exit code.</summary>
    public List<string> DriftChecks { get; } = [];

    /// <summary>soak: largest drift allowed, % of the mean over the measured time.</summary>
    public double MaxDriftPercent { get; set; } = 5;

    /// <summary>hostile-mix: hostile clients share the healthy ones' HTTP/2 connections (default: their own).</summary>
    public bool SharedConnections { get; set; }

    /// <summary>hostile-mix: the hostile cases to send, by name (empty = every case, HostileCase.All).</summary>
    public List<string> HostileCases { get; } = [];

    // capacity
    public TimeSpan LevelDuration { get; set; } = TimeSpan.FromSeconds(20);

    public int StartStreams { get; set; } = 4;

    public int MaxStreams { get; set; } = 256;

    public double LimitMs { get; set; } = 1000;

    public List<Contract.PruningPolicy> Policies { get; } = [];

    public string? Json { get; set; }

    public int StaggerMs { get; set; } = 1000;

    /// <summary>Lines added to the report's test info (e.g. "the machine was shared with other work").</summary>
    public List<string> Notes { get; } = [];

    public bool Help { get; set; }

    public static LoadOptions Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var o = new LoadOptions();
        for (var i = 0; i < args.Count; i++)
        {
            var a = args[i];
            if (a == "--")
            {
                o.ServeArguments.AddRange(args.Skip(i + 1));
                break;
            }

            if (a is "--help" or "-h")
            {
                o.Help = true;
                continue;
            }

            if (!a.StartsWith("--", StringComparison.Ordinal))
            {
                if (o.Scenario.Length > 0) throw new FormatException($"unexpected argument '{a}' (the scenario is already '{o.Scenario}')");
                o.Scenario = a;
                continue;
            }

            switch (a)
            {
                case "--no-live": o.Live = false; continue;
                case "--fast": o.RealTime = false; continue;
                case "--shared-connections": o.SharedConnections = true; continue;
            }

            if (i + 1 >= args.Count) throw new FormatException($"{a} needs a value");
            var v = args[++i];
            switch (a)
            {
                case "--target": o.Target = v; break;
                case "--out": o.Out = v; break;
                case "--model": o.Model = v; break;
                case "--fastav": o.Fastav = v; break;
                case "--serve-port": o.ServePort = Int(a, v); break;
                case "--streams": o.Streams = Int(a, v); break;
                case "--duration": o.Duration = Time(a, v); break;
                case "--ramp": o.Ramp = Time(a, v); break;
                case "--warmup": o.WarmUp = Time(a, v); break;
                case "--rate": o.Rate = Int(a, v); break;
                case "--standing": o.StandingQuestions = Int(a, v); break;
                case "--interval-ms": o.IntervalMs = Int(a, v); break;
                case "--max-tokens": o.MaxTokens = Int(a, v); break;
                case "--policy": o.Policy = PolicyName(a, v); break;
                case "--policies": o.Policies.AddRange(v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(p => PolicyName(a, p))); break;
                case "--media": o.Media = v; break;
                case "--media-seconds": o.MediaSeconds = Int(a, v); break;
                case "--video-size": o.VideoSize = v; break;
                case "--seed": o.Seed = Int(a, v); break;
                case "--late-ms": o.LateMs = Double(a, v); break;
                case "--threshold": o.Thresholds.Add(v); break;
                case "--note": o.Notes.Add(v); break;
                case "--channels": o.Channels = Int(a, v); break;
                case "--max-fail-count": o.MaxFailCount = Int(a, v); break;
                case "--level-duration": o.LevelDuration = Time(a, v); break;
                case "--start-streams": o.StartStreams = Int(a, v); break;
                case "--max-streams": o.MaxStreams = Int(a, v); break;
                case "--limit-ms": o.LimitMs = Double(a, v); break;
                case "--json": o.Json = v; break;
                case "--stagger-ms": o.StaggerMs = Int(a, v); break;
                case "--hostile-cases": o.HostileCases.AddRange(v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)); break;
                case "--speed": o.Speed = Double(a, v); break;
                case "--results": o.Results = v; break;
                case "--drift-check": o.DriftChecks.AddRange(v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)); break;
                case "--max-drift-pct": o.MaxDriftPercent = Double(a, v); break;
                default: throw new FormatException($"unknown option {a} (see --help)");
            }
        }

        return o;
    }

    public void Validate()
    {
        if (Help) return;
        if (Scenario.Length == 0) throw new FormatException("name a scenario (see --help)");
        if (Target is not null && TargetUri() is null) throw new FormatException($"--target '{Target}' must be HOST:PORT or an http(s):// URL");
        if (ServePort is < 0 or > 65535) throw new FormatException($"--serve-port {ServePort} must be in [0, 65535]");
        if (Streams is < 1 or > 100_000) throw new FormatException($"--streams {Streams} must be in [1, 100000]");
        if (Duration is { } d && d < TimeSpan.FromSeconds(1)) throw new FormatException("--duration must be at least 1 s");
        if (Rate is < 0 or > 100_000) throw new FormatException($"--rate {Rate} must be in [0, 100000]");
        if (StandingQuestions is < 0 or > 16) throw new FormatException($"--standing {StandingQuestions} must be in [0, 16]");
        if (IntervalMs is < 500 or > 3_600_000) throw new FormatException($"--interval-ms {IntervalMs} must be in [500, 3600000]");
        if (MaxTokens is < 1 or > 1024) throw new FormatException($"--max-tokens {MaxTokens} must be in [1, 1024]");
        if (MediaSeconds is < 1 or > 3600) throw new FormatException($"--media-seconds {MediaSeconds} must be in [1, 3600]");
        if (VideoSize.Length > 0 && !System.Text.RegularExpressions.Regex.IsMatch(VideoSize, "^[1-9][0-9]{0,4}x[1-9][0-9]{0,4}$")) throw new FormatException($"--video-size '{VideoSize}' must be WxH, e.g. 320x240");
        if (!(LateMs > 0)) throw new FormatException($"--late-ms {LateMs} must be positive");
        if (Channels is < 1 or > 256) throw new FormatException($"--channels {Channels} must be in [1, 256]");
        if (MaxFailCount < 1) throw new FormatException($"--max-fail-count {MaxFailCount} must be 1 or more");
        if (LevelDuration < TimeSpan.FromSeconds(3)) throw new FormatException("--level-duration must be at least 3 s");
        if (StartStreams < 1 || MaxStreams < StartStreams) throw new FormatException($"--start-streams {StartStreams} must be at least 1 and at most --max-streams {MaxStreams}");
        if (!(LimitMs > 0)) throw new FormatException($"--limit-ms {LimitMs} must be positive");
        if (StaggerMs is < 0 or > 60_000) throw new FormatException($"--stagger-ms {StaggerMs} must be in [0, 60000]");
        Scenarios.HostileCase.Select(HostileCases);
        if (!(Speed is >= 0.1 and <= 1000)) throw new FormatException($"--speed {Speed} must be in [0.1, 1000]");
        if (!(MaxDriftPercent > 0)) throw new FormatException($"--max-drift-pct {MaxDriftPercent} must be positive");
        foreach (var m in DriftChecks)
        {
            if (!Reports.SoakReport.Metrics.Contains(m)) throw new FormatException($"--drift-check '{m}' is not one of {string.Join(", ", Reports.SoakReport.Metrics)}");
        }

        if (Media is not null && !File.Exists(Media)) throw new FormatException($"--media {Media} does not exist");
        if (Model is not null && Target is not null) throw new FormatException("--model is passed to the local server: it cannot be used with --target");
    }

    /// <summary>The target as an http:// URL (HOST:PORT means cleartext HTTP/2), or null when it is not one.</summary>
    public Uri? TargetUri()
    {
        if (Target is null) return null;
        var text = Target.Contains("://", StringComparison.Ordinal) ? Target : "http://" + Target;
        return Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && uri.Host.Length > 0 && !uri.IsDefaultPort ? uri : null;
    }

    private static int Int(string flag, string value) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : throw new FormatException($"{flag} '{value}' is not a whole number");

    private static double Double(string flag, string value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) && double.IsFinite(n) ? n : throw new FormatException($"{flag} '{value}' is not a number");

    private static TimeSpan Time(string flag, string value) =>
        DurationText.TryParse(value, out var t) ? t : throw new FormatException($"{flag} '{value}' is not a duration (90, 90s, 500ms, 5m, 1h or hh:mm:ss)");

    private static Contract.PruningPolicy PolicyName(string flag, string value)
    {
        var name = value.Trim().ToUpperInvariant().Replace("PRUNING_POLICY_", "", StringComparison.Ordinal);
        if (name == "UNPRUNED") name = "NONE";
        foreach (var p in Enum.GetValues<Contract.PruningPolicy>())
        {
            if (p != Contract.PruningPolicy.Unspecified && StatusCodes.UpperSnake(p.ToString()) == name) return p;
        }

        throw new FormatException($"{flag} '{value}' is not a pruning policy (none, fastav, random, low_attentive, fastv, dart, divprune, metok, …)");
    }
}
