using System.Globalization;
using FastAV.Live.LoadTests;

namespace FastAV.Live.Benchmarks.E2e;

/// <summary>Every knob of the end-to-end capacity run, with its default; <see cref="Parse"/> names the flag of a bad value.</summary>
internal sealed class E2eOptions
{
    /// <summary>Models to measure, by name: fastav-tiny (the embedded model), camera-scale (random weights — capacity only).</summary>
    public List<string> Models { get; } = ["fastav-tiny", "camera-scale"];

    /// <summary>The camera-scale model's folder; made by scripts/make-camera-model.py (default width) when missing.</summary>
    public string CameraModel { get; set; } = Path.Combine("artifacts", "models", "camera-scale");

    /// <summary>Frame size of the camera-scale streams' H.264 (the world clip scaled; the model letterboxes it to 224²).</summary>
    public string CameraVideoSize { get; set; } = "448x224";

    public TimeSpan LevelDuration { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>First level of each model's arms: fleet sizes double from here until a level fails, then bisect.</summary>
    public int TinyStart { get; set; } = 8;

    public int CameraStart { get; set; } = 1;

    public int MaxStreams { get; set; } = 256;

    public double LimitMs { get; set; } = 1000;

    public int StaggerMs { get; set; } = 1000;

    public int StandingQuestions { get; set; } = 2;

    public int IntervalMs { get; set; } = 2000;

    /// <summary>Tokens per standing answer: small, as the camera-scale model's random weights never emit the stop token.</summary>
    public int MaxTokens { get; set; } = 4;

    /// <summary>Windows of the latency probe: one stream alone per arm, at <see cref="ProbeSpeed"/>, 1-token answers every window.</summary>
    public int ProbeWindows { get; set; } = 8;

    public double ProbeSpeed { get; set; } = 0.25;

    /// <summary>batched (the default engine), one-by-one (Inference:BatchStreams=false) or both (a server each).</summary>
    public string EngineSteps { get; set; } = "batched";

    public string Out { get; set; } = Path.Combine("benchmarks", "results");

    public string Name { get; set; } = "e2e-capacity";

    public int Seed { get; set; } = 1;

    /// <summary>Arguments after "--", passed to every `fastav serve` verbatim.</summary>
    public List<string> ServeArguments { get; } = [];

    /// <summary>Lines for the result's notes (e.g. "quiet machine, nothing else running").</summary>
    public List<string> Notes { get; } = [];

    public bool Help { get; set; }

    public IEnumerable<bool> Engines => EngineSteps switch { "both" => [true, false], "one-by-one" => [false], _ => [true] };

    public static E2eOptions Parse(IReadOnlyList<string> args)
    {
        var o = new E2eOptions();
        var split = args.ToList().IndexOf("--");
        if (split >= 0) o.ServeArguments.AddRange(args.Skip(split + 1));
        var own = split >= 0 ? args.Take(split).ToList() : args.ToList();
        o.Help = own.Remove("--help") | own.Remove("-h");
        var setters = o.Setters();
        for (var i = 0; i < own.Count; i += 2)
        {
            if (!setters.TryGetValue(own[i], out var set)) throw new FormatException($"unknown option {own[i]} (see --help)");
            if (i + 1 >= own.Count) throw new FormatException($"{own[i]} needs a value (see --help)");
            set(own[i], own[i + 1]);
        }

        o.Validate();
        return o;
    }

    private Dictionary<string, Action<string, string>> Setters() => new(StringComparer.Ordinal)
    {
        ["--models"] = (_, v) =>
        {
            Models.Clear();
            Models.AddRange(v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        },
        ["--camera-model"] = (_, v) => CameraModel = v,
        ["--camera-video-size"] = (_, v) => CameraVideoSize = v,
        ["--level-duration"] = (f, v) => LevelDuration = DurationText.TryParse(v, out var t) ? t : throw new FormatException($"{f} '{v}' is not a duration (20, 20s, 1m)"),
        ["--tiny-start"] = (f, v) => TinyStart = Int(f, v),
        ["--camera-start"] = (f, v) => CameraStart = Int(f, v),
        ["--max-streams"] = (f, v) => MaxStreams = Int(f, v),
        ["--limit-ms"] = (f, v) => LimitMs = Int(f, v),
        ["--stagger-ms"] = (f, v) => StaggerMs = Int(f, v),
        ["--standing"] = (f, v) => StandingQuestions = Int(f, v),
        ["--interval-ms"] = (f, v) => IntervalMs = Int(f, v),
        ["--max-tokens"] = (f, v) => MaxTokens = Int(f, v),
        ["--probe-windows"] = (f, v) => ProbeWindows = Int(f, v),
        ["--probe-speed"] = (f, v) => ProbeSpeed = double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var x) ? x : throw new FormatException($"{f} '{v}' is not a number"),
        ["--engine-steps"] = (_, v) => EngineSteps = v,
        ["--out"] = (_, v) => Out = v,
        ["--name"] = (_, v) => Name = v,
        ["--note"] = (_, v) => Notes.Add(v),
        ["--seed"] = (f, v) => Seed = Int(f, v),
    };

    private void Validate()
    {
        if (Models.Count == 0 || Models.Any(m => m is not ("fastav-tiny" or "camera-scale"))) throw new FormatException($"--models '{string.Join(',', Models)}': name fastav-tiny and/or camera-scale");
        if (!System.Text.RegularExpressions.Regex.IsMatch(CameraVideoSize, "^[1-9][0-9]{0,4}x[1-9][0-9]{0,4}$")) throw new FormatException($"--camera-video-size '{CameraVideoSize}' must be WxH, e.g. 448x224");
        if (LevelDuration < TimeSpan.FromSeconds(3)) throw new FormatException("--level-duration must be at least 3 s");
        if (Models.Contains("fastav-tiny") && (TinyStart < 1 || TinyStart > MaxStreams)) throw new FormatException($"--tiny-start {TinyStart} must be in [1, --max-streams {MaxStreams}]");
        if (Models.Contains("camera-scale") && (CameraStart < 1 || CameraStart > MaxStreams)) throw new FormatException($"--camera-start {CameraStart} must be in [1, --max-streams {MaxStreams}]");
        if (LimitMs < 1) throw new FormatException($"--limit-ms {LimitMs} must be positive");
        if (StaggerMs is < 0 or > 60_000) throw new FormatException($"--stagger-ms {StaggerMs} must be in [0, 60000]");
        if (StandingQuestions is < 1 or > 16) throw new FormatException($"--standing {StandingQuestions} must be in [1, 16] (the criterion reads standing answers)");
        if (IntervalMs is < 500 or > 3_600_000) throw new FormatException($"--interval-ms {IntervalMs} must be in [500, 3600000]");
        if (MaxTokens is < 1 or > 1024) throw new FormatException($"--max-tokens {MaxTokens} must be in [1, 1024]");
        if (ProbeWindows is < 2 or > 600) throw new FormatException($"--probe-windows {ProbeWindows} must be in [2, 600]");
        if (!(ProbeSpeed > 0 && ProbeSpeed <= 1)) throw new FormatException($"--probe-speed {ProbeSpeed} must be in (0, 1]");
        if (EngineSteps is not ("batched" or "one-by-one" or "both")) throw new FormatException($"--engine-steps '{EngineSteps}' must be batched, one-by-one or both");
        if (Name.Length == 0 || Name.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0) throw new FormatException($"--name '{Name}' must be a file name");
    }

    private static int Int(string flag, string value) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : throw new FormatException($"{flag} '{value}' is not a whole number");

    public static string Usage => """
        benchmarks/e2e: concurrent real-time camera streams `fastav serve` sustains (p95 standing-answer latency < 1 s, no
        dropped window), FastAV vs unpruned, for models/fastav-tiny and the camera-scale model (random weights — capacity
        only), through the load generator's capacity search; levels alternate arms in one run.

        usage: dotnet run -c Release --no-build --project benchmarks/e2e [-- options] [-- fastav serve options]

          --models A,B            fastav-tiny,camera-scale (default both)
          --camera-model DIR      camera-scale model folder (artifacts/models/camera-scale; generated when missing)
          --camera-video-size WxH H.264 frame size of camera-scale streams (448x224)
          --level-duration T      per level (20 s)          --stagger-ms MS  start a level's cameras over this (1000)
          --tiny-start N          fastav-tiny's first level (8)   --camera-start N  camera-scale's (1)
          --max-streams N         (256)                     --limit-ms MS    p95 criterion (1000)
          --standing N            standing questions per stream (2)   --interval-ms MS (2000)   --max-tokens N (4)
          --probe-windows N       latency probe: windows of one stream alone per arm (8)   --probe-speed X (0.25 of real time)
          --engine-steps S        batched (default), one-by-one or both
          --out DIR               result folder (benchmarks/results)   --name NAME  file names (e2e-capacity)
          --seed N                media and arrival randomness (1)      --note TEXT  a line for the result's notes (repeatable)
        Writes OUT/NAME.json and OUT/NAME.md.
        """;
}
