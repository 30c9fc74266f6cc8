using System.Globalization;
using FastAV.Live.LoadTests.Stats;
using FastAV.Live.LoadTests.Streaming;

namespace FastAV.Live.LoadTests;

/// <summary>
/// Reads a threshold from text, NBomber's ThresholdSetting body plus our streaming metrics:
/// <code>
/// [scenario[/step]:] Type Metric Op Value [abort=N] [after=T]
///   OkRequest|FailRequest      Count | RPS | Percent
///   OkLatency|FailLatency      Min | Mean | Max | P50 | P75 | P95 | P99 | StdDev        (ms)
///   OkDataTransfer             Min | Mean | Max | P50 | P75 | P95 | P99 | All          (bytes)
///   StatusCode CODE            Count | Percent
///   Streaming                  standing_p50|p95|p99|max, server_standing_p95, ask_ttft_p95, ask_itl_p95,
///                              answers, expected, late, missing, windows_dropped, frames_dropped, decode_errors,
///                              answers_dropped, media_rejected, warnings, streams_failed, reopen_retries,
///                              kv_per_stream_max, kv_slope_bytes_per_min, rss_slope_mb_per_min, flops_ratio
///   Warning CODE               Count   (e.g. Warning FRAMES_DROPPED Count == 0)
/// Op: &lt; &lt;= &gt; &gt;= == !=
/// </code>
/// e.g. "camera/standing_answer: OkLatency p95 &lt; 1000", "Streaming windows_dropped == 0 abort=1 after=10".
/// </summary>
public static class ThresholdParser
{
    public static Threshold Parse(string text)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(text);
        string? scenario = null, step = null;
        var body = text.Trim();
        var colon = body.IndexOf(':', StringComparison.Ordinal);
        if (colon > 0 && !body[..colon].Contains(' ', StringComparison.Ordinal))
        {
            var target = body[..colon];
            body = body[(colon + 1)..].Trim();
            var slash = target.IndexOf('/', StringComparison.Ordinal);
            scenario = slash < 0 ? target : target[..slash];
            step = slash < 0 ? null : target[(slash + 1)..];
            if (scenario.Length == 0) scenario = null;
            if (step?.Length == 0) step = null;
        }

        var words = body.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToList();
        int? abort = null;
        TimeSpan? after = null;
        foreach (var option in words.Where(w => w.Contains('=', StringComparison.Ordinal) && !IsOperator(w)).ToList())
        {
            var (key, value) = (option[..option.IndexOf('=', StringComparison.Ordinal)], option[(option.IndexOf('=', StringComparison.Ordinal) + 1)..]);
            if (key.Equals("abort", StringComparison.OrdinalIgnoreCase) && int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= 1) abort = n;
            else if (key.Equals("after", StringComparison.OrdinalIgnoreCase) && DurationText.TryParse(value, out var t)) after = t;
            else throw Invalid(text, $"unknown option '{option}' (abort=N, after=SECONDS|hh:mm:ss)");
            words.Remove(option);
        }

        if (words.Count < 4) throw Invalid(text, "expected 'Type Metric Op Value'");
        var type = words[0];
        var keyed = type.Equals("StatusCode", StringComparison.OrdinalIgnoreCase) || type.Equals("Warning", StringComparison.OrdinalIgnoreCase);
        if (keyed && words.Count < 5) throw Invalid(text, $"expected '{type} CODE Metric Op Value'");
        var key2 = keyed ? words[1] : "";
        var metric = words[keyed ? 2 : 1];
        var op = words[keyed ? 3 : 2];
        if (!double.TryParse(words[keyed ? 4 : 3], NumberStyles.Float, CultureInfo.InvariantCulture, out var value2)) throw Invalid(text, $"'{words[keyed ? 4 : 3]}' is not a number");
        if (!IsOperator(op)) throw Invalid(text, $"'{op}' is not an operator (<, <=, >, >=, ==, !=)");
        var selector = Selector(type, key2, metric, step, text);
        var compare = Comparison(op);
        return new Threshold(scenario, step, body, s => compare(selector(s), value2), abort, after);
    }

    private static Func<ScenarioStats, double> Selector(string type, string key, string metric, string? step, string text)
    {
        Func<ScenarioStats, MeasurementStats> ok = step is null ? s => s.Ok : s => s.Step(step).Ok;
        Func<ScenarioStats, MeasurementStats> fail = step is null ? s => s.Fail : s => s.Step(step).Fail;
        var m = metric.ToUpperInvariant();
        switch (type.ToUpperInvariant())
        {
            case "OKREQUEST": return Request(ok, m, text);
            case "FAILREQUEST": return Request(fail, m, text);
            case "OKLATENCY": return Latency(ok, m, text);
            case "FAILLATENCY": return Latency(fail, m, text);
            case "OKDATATRANSFER":
                return m switch
                {
                    "MIN" => s => ok(s).DataTransfer.MinBytes,
                    "MEAN" => s => ok(s).DataTransfer.MeanBytes,
                    "MAX" => s => ok(s).DataTransfer.MaxBytes,
                    "P50" => s => ok(s).DataTransfer.Percent50,
                    "P75" => s => ok(s).DataTransfer.Percent75,
                    "P95" => s => ok(s).DataTransfer.Percent95,
                    "P99" => s => ok(s).DataTransfer.Percent99,
                    "ALL" => s => ok(s).DataTransfer.AllBytes,
                    _ => throw Invalid(text, $"OkDataTransfer has no metric '{metric}' (Min, Mean, Max, P50, P75, P95, P99, All)"),
                };
            case "STATUSCODE":
                Func<ScenarioStats, IEnumerable<StatusCodeStats>> codes = s => ok(s).StatusCodes.Concat(fail(s).StatusCodes).Where(c => c.StatusCode.Equals(key, StringComparison.OrdinalIgnoreCase));
                return m switch
                {
                    "COUNT" => s => codes(s).Sum(c => c.Count),
                    "PERCENT" => s => codes(s).Sum(c => c.Percent),
                    _ => throw Invalid(text, $"StatusCode has no metric '{metric}' (Count, Percent)"),
                };
            case "WARNING":
                if (!m.Equals("COUNT", StringComparison.Ordinal)) throw Invalid(text, $"Warning has no metric '{metric}' (Count)");
                var code = key.Replace("WARNING_CODE_", "", StringComparison.OrdinalIgnoreCase);
                return s => Streams(s).Warnings.Where(w => w.Key.Equals(code, StringComparison.OrdinalIgnoreCase)).Sum(w => w.Value);
            case "STREAMING":
                return StreamingSelector(metric.ToLowerInvariant(), text);
            default:
                throw Invalid(text, $"unknown type '{type}' (OkRequest, FailRequest, OkLatency, FailLatency, OkDataTransfer, StatusCode, Streaming, Warning)");
        }
    }

    private static Func<ScenarioStats, double> Request(Func<ScenarioStats, MeasurementStats> half, string m, string text) => m switch
    {
        "COUNT" => s => half(s).Request.Count,
        "RPS" => s => half(s).Request.RPS,
        "PERCENT" => s => half(s).Request.Percent,
        _ => throw Invalid(text, $"requests have no metric '{m}' (Count, RPS, Percent)"),
    };

    private static Func<ScenarioStats, double> Latency(Func<ScenarioStats, MeasurementStats> half, string m, string text) => m switch
    {
        "MIN" => s => half(s).Latency.MinMs,
        "MEAN" => s => half(s).Latency.MeanMs,
        "MAX" => s => half(s).Latency.MaxMs,
        "P50" => s => half(s).Latency.Percent50,
        "P75" => s => half(s).Latency.Percent75,
        "P95" => s => half(s).Latency.Percent95,
        "P99" => s => half(s).Latency.Percent99,
        "STDDEV" => s => half(s).Latency.StdDev,
        _ => throw Invalid(text, $"latency has no metric '{m}' (Min, Mean, Max, P50, P75, P95, P99, StdDev)"),
    };

    private static Func<ScenarioStats, double> StreamingSelector(string metric, string text) => metric switch
    {
        "standing_p50" => s => Streams(s).StandingLatency.P50,
        "standing_p95" => s => Streams(s).StandingLatency.P95,
        "standing_p99" => s => Streams(s).StandingLatency.P99,
        "standing_max" => s => Streams(s).StandingLatency.MaxMs,
        "server_standing_p95" => s => Streams(s).ServerStandingLatency.P95,
        "ask_ttft_p95" => s => Streams(s).AskTimeToFirstToken.P95,
        "ask_itl_p95" => s => Streams(s).AskInterTokenLatency.P95,
        "answers" => s => Streams(s).StandingLatency.Count,
        "expected" => s => Streams(s).AnswersExpected,
        "late" => s => Streams(s).AnswersLate,
        "missing" => s => Streams(s).AnswersMissing,
        "windows_dropped" => s => Streams(s).WindowsDropped,
        "frames_dropped" => s => Streams(s).FramesDropped,
        "decode_errors" => s => Streams(s).DecodeErrors,
        "answers_dropped" => s => Streams(s).AnswersDropped,
        "media_rejected" => s => Streams(s).MediaRejected,
        "warnings" => s => Streams(s).WarningCount,
        "streams_failed" => s => Streams(s).StreamsFailed,
        "reopen_retries" => s => Streams(s).ReopenRetries,
        "kv_per_stream_max" => s => Streams(s).KvBytesPerStreamMax,
        "kv_slope_bytes_per_min" => s => Streams(s).KvPerStreamSlopeBytesPerMinute,
        "rss_slope_mb_per_min" => s => Streams(s).ServerRssSlopeBytesPerMinute / (1 << 20),
        "flops_ratio" => s => Streams(s).FlopsRatio,
        _ => throw Invalid(text, $"Streaming has no metric '{metric}'"),
    };

    private static StreamingStats Streams(ScenarioStats s) =>
        s.Streaming ?? throw new InvalidOperationException($"scenario {s.ScenarioName} runs no streams");

    private static bool IsOperator(string op) => op is "<" or "<=" or ">" or ">=" or "==" or "!=";

    private static Func<double, double, bool> Comparison(string op) => op switch
    {
        "<" => (a, b) => a < b,
        "<=" => (a, b) => a <= b,
        ">" => (a, b) => a > b,
        ">=" => (a, b) => a >= b,
        "==" => (a, b) => a == b,
        _ => (a, b) => a != b,
    };

    private static FormatException Invalid(string text, string why) => new($"threshold '{text}': {why}");
}
